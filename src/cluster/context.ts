import type { Logger } from '../telemetry/log.ts';
import { isRunning, logTail, startDaemon } from './daemon.ts';
import type { Layout } from './layout.ts';
import type { Progress } from './progress.ts';
import { writeState, type ClusterState } from './state.ts';
import { waitFor } from '../kube/wait.ts';

/** What every step of `up` gets: where things go, the state to record into, and where to report progress. */
export interface Context {
  layout: Layout;
  state: ClusterState;
  progress: Progress;
  log: Logger;
  /** When this `up` began (ms): status written before it belongs to an earlier run. */
  startedAt: number;
  /** Work a step started in the background for a later step to await (settled: it never rejects). */
  background: Map<string, Promise<string | undefined>>;
}

export async function saveState(ctx: Context): Promise<void> {
  await writeState(ctx.layout.stateFile, ctx.state);
}

/**
 * Starts a component unless the one recorded is still running, records it before waiting (so a failed wait is
 * still undone by `down`), then waits for it to be ready within its budget. The error carries the log tail.
 */
export async function ensureDaemon(
  ctx: Context,
  name: string,
  command: string[],
  ready: () => Promise<boolean>,
  budgetMs: number,
  env?: NodeJS.ProcessEnv,
): Promise<void> {
  const known = ctx.state.daemons[name];
  if (known && (await isRunning(known))) return;
  const rec = await startDaemon(name, command, ctx.layout.logDir, env);
  ctx.state.daemons[name] = rec;
  await saveState(ctx);
  try {
    await waitFor(
      `${name} to be ready`,
      async () => {
        if (!(await isRunning(rec))) throw new Error(`${name} exited`);
        return (await ready()) ? true : undefined;
      },
      { timeoutMs: budgetMs },
    );
  } catch (err) {
    throw new Error(`${name} did not become ready; last lines of ${rec.log}:\n${await logTail(rec)}`, { cause: err });
  }
}
