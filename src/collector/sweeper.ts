/**
 * Runs the store's idle sweep on a timer, so that a tool killed mid-stream (its pod deleted, a SIGKILL) still
 * leaves a partial artifact with the bytes it sent.
 */
import type { Logger } from 'pino';
import type { Store } from './store.ts';
import type { CollectorMetrics } from '../telemetry/metrics.ts';
import { sweepIntervalMs } from './limits.ts';

export function startSweeper(store: Store, log: Logger, metrics: CollectorMetrics): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    const { finalised, failed } = await store.sweep();
    for (const f of finalised) {
      metrics.artifacts.inc({ finalised_by: 'idle-timeout', partial: 'true' });
      log.info(
        {
          namespace: f.owner.namespace,
          powerToolUID: f.owner.powerToolUID,
          pod: f.owner.podName,
          artifact: f.artifact,
          bytes: f.meta.bytes,
        },
        'idle upload finalised as partial',
      );
    }
    for (const f of failed)
      log.error(
        { artifact: f.artifact, err: f.error instanceof Error ? f.error.message : String(f.error) },
        'idle upload could not be finalised',
      );
  };
  const timer = setInterval(() => {
    running = running
      .then(tick)
      .catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'idle sweep failed'));
  }, sweepIntervalMs(store.limits.idleTimeoutMs));
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
