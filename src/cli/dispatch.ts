/**
 * A command table and its dispatch, shared by `toe` (src/cli/main.ts) and `kubectl toe` (src/plugin/main.ts):
 * the usage listing, help, an unknown name as a usage error, and a command's error as its exit code.
 */
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type Command, type Streams } from './command.ts';
import { formatError } from './output.ts';

/** Entries load lazily, so a command never pays for another's imports (`toe validate` for the Kubernetes client). */
export type CommandTable = Record<string, { summary: string; load: () => Promise<Command> }>;

/** `  name  summary` lines, the names padded to one width. */
export function tableLines(table: CommandTable): string {
  const width = Math.max(...Object.keys(table).map((c) => c.length));
  return Object.entries(table)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n');
}

/** `noun` names an entry in the unknown-name error ("command", "verb"). */
export async function dispatch(table: CommandTable, usage: () => string, noun: string, argv: string[], streams: Streams): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    streams.out.write(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const entry = table[name];
  if (!entry) {
    streams.err.write(formatError(new UsageError(`unknown ${noun} "${name}"`, '')));
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
