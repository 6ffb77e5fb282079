/**
 * What `up`, `down` and `images` tell a person while they work. The cluster never writes to a console itself: its
 * caller supplies this (the CLI prints kind-style step lines, src/cli/output.ts), so a harness or a test can as well.
 */
export interface Progress {
  /** A step begins. */
  start(title: string): void;
  /** The step succeeded after `ms` milliseconds. */
  done(title: string, ms: number): void;
  /** The step failed; its error travels up to the one error printout, so only the step is named here. */
  fail(title: string): void;
  /** A detail of the step under way. */
  info(line: string): void;
  /** Something to act on that does not stop the run. */
  warn(line: string): void;
}

/** Runs `fn` as one step: `start`, then `done` with its duration or `fail`, and passes on its result or error. */
export async function step<T>(progress: Progress, title: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  progress.start(title);
  try {
    const result = await fn();
    progress.done(title, Date.now() - started);
    return result;
  } catch (err) {
    progress.fail(title);
    throw err;
  }
}
