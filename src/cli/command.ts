/** Where a command writes: results on stdout, progress and errors on stderr (as kind and kubectl do). */
export interface Streams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** A subcommand: parse its own argv, validate, run; returns the exit code. Only main.ts exits the process. */
export type Command = (argv: string[], streams: Streams) => Promise<number>;

/** A usage error: exit code 2 and a pointer to `-h`, in kubectl's style. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
