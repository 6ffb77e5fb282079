import { setTimeout as sleep } from 'node:timers/promises';
import { apiMessage } from './errors.ts';

export interface WaitOptions {
  /** How long to keep trying (default 30 s). */
  timeoutMs?: number;
  /** Pause between checks (default 250 ms). */
  intervalMs?: number;
  /** Ends the wait early with the signal's reason. */
  signal?: AbortSignal;
  /** What the time-out error should add about the state last seen; by default the last error the check threw. */
  explain?: () => Promise<string> | string;
}

/**
 * The one way TOE waits for a state: calls `check` until it returns something other than `undefined` or `false`,
 * treating a thrown error as "not yet" (the API may still be starting). On time-out the error names what was awaited,
 * the budget, and what was last seen.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 250, signal, explain }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail = explain ? await Promise.resolve(explain()).catch(() => '') : last === undefined ? '' : apiMessage(last);
      throw new Error(`${what}: not within ${formatBudget(timeoutMs)}${detail ? `: ${detail}` : ''}`, { cause: last });
    }
    // An abort during the pause ends the wait with the signal's own reason, not a generic AbortError.
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())), undefined, { signal }).catch(() => signal?.throwIfAborted());
  }
}

function formatBudget(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}
