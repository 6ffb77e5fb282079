/**
 * `kubectl toe` (the kubectl-toe executable on PATH): run a tool from flags, get, describe, logs, report, stop, and
 * shell completion. Each verb is one module; this file only dispatches, as src/cli/main.ts does for `toe`.
 */
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type Command, type Streams } from '../cli/command.ts';
import { formatError } from '../cli/output.ts';
import { complete, SHELLS } from './complete.ts';
import { completionScript } from './completion-scripts.ts';

const verbs: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'run a tool against pods (creates a PowerTool)', load: async () => (await import('./run.ts')).run },
  get: { summary: 'list PowerTools with their progress', load: async () => (await import('./get.ts')).get },
  describe: {
    summary: 'one PowerTool: targets, conditions, steady state, Events',
    load: async () => (await import('./describe.ts')).describe,
  },
  logs: { summary: "each tool's output (its ephemeral container's log)", load: async () => (await import('./logs.ts')).logs },
  report: { summary: 'where the reports of a PowerTool are', load: async () => (await import('./report.ts')).report },
  stop: { summary: 'stop a PowerTool now (--all: the emergency stop)', load: async () => (await import('./stop.ts')).stop },
  completion: { summary: `print a completion script (${SHELLS.join(', ')})`, load: async () => completion },
};

const completion: Command = async (argv, streams) => {
  const [shell] = argv;
  if (!(SHELLS as readonly string[]).includes(shell ?? '')) throw new UsageError(`give a shell: ${SHELLS.join(', ')}`, 'completion');
  streams.out.write(completionScript(shell as (typeof SHELLS)[number]));
  return EXIT_OK;
};

export function pluginUsage(): string {
  const width = Math.max(...Object.keys(verbs).map((v) => v.length));
  const lines = Object.entries(verbs).map(([v, c]) => `  ${v.padEnd(width)}  ${c.summary}`);
  return `kubectl toe: TOE's PowerTools from kubectl\n\nUsage:\n  kubectl toe <verb> [options]\n\nVerbs:\n${lines.join('\n')}\n\nRun 'kubectl toe <verb> -h' for a verb's options.\n`;
}

/** `cobra` marks the end of a plugin's completions with a directive line; 4 = do not complete file names. */
export const COBRA_NO_FILES = ':4';

export async function runPlugin(argv: string[], streams: Streams, cobra = false): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '__complete' || cobra) {
    const { clusterLookup } = await import('./lookup.ts');
    const words = cobra ? argv : rest;
    const candidates = await complete(words.length > 0 ? words : [''], clusterLookup());
    streams.out.write(candidates.map((c) => `${c}\n`).join('') + (cobra ? `${COBRA_NO_FILES}\n` : ''));
    return EXIT_OK;
  }
  if (verb === undefined || verb === '-h' || verb === '--help' || verb === 'help') {
    streams.out.write(pluginUsage());
    return verb === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const entry = verbs[verb];
  if (!entry) {
    streams.err.write(formatError(new UsageError(`unknown verb "${verb}"`, '')));
    return EXIT_USAGE;
  }
  try {
    return await (
      await entry.load()
    )(rest, streams);
  } catch (err) {
    streams.err.write(formatError(err));
    return err instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}
