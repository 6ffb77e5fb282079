/**
 * `kubectl toe` (the kubectl-toe executable on PATH): run a tool from flags, get, describe, logs, report, stop, and
 * shell completion. Each verb is one module; this file only dispatches, as src/cli/main.ts does for `toe`.
 */
import { EXIT_OK, UsageError, type Command, type Streams } from '../cli/command.ts';
import { dispatch, tableLines, type CommandTable } from '../cli/dispatch.ts';
import { complete, SHELLS } from './complete.ts';
import { completionScript } from './completion-scripts.ts';

const verbs: CommandTable = {
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
  return `kubectl toe: TOE's PowerTools from kubectl\n\nUsage:\n  kubectl toe <verb> [options]\n\nVerbs:\n${tableLines(verbs)}\n\nRun 'kubectl toe <verb> -h' for a verb's options.\n`;
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
  return dispatch(verbs, pluginUsage, 'verb', argv, streams);
}
