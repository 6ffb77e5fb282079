import type { Logger } from 'pino';
import type { TargetStatus } from '../../api/index.ts';
import type { PowerToolContext } from './context.ts';
import type { LivePowerTool } from './reconcile.ts';
import { advance, targetEnded } from './target-phase.ts';

export type StopReason = NonNullable<TargetStatus['stopReason']>;

/** A stop request not yet answered by the tool's exit is repeated after this long. */
const STOP_RETRY_MS = 5_000;

export function stopReasonFor(pt: LivePowerTool, now: Date, deadline: Date, graceMs: number): StopReason | undefined {
  if (pt.spec.suspend) return 'Suspended';
  if (now.getTime() >= deadline.getTime() + graceMs) return 'Deadline';
  return undefined;
}

/**
 * Asks every running tool to stop (SIGTERM through its stop command). A target never injected is simply
 * stopped; one injected but not yet started is asked again on the next visit, when it can be reached.
 */
export async function stopTargets(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  targets: TargetStatus[],
  reason: StopReason,
  now: Date,
  log: Logger,
): Promise<TargetStatus[]> {
  const namespace = pt.metadata.namespace ?? '';
  return Promise.all(
    targets.map(async (t): Promise<TargetStatus> => {
      if (targetEnded(t)) return t;
      if (t.phase === 'Pending') {
        ctx.metrics.toolStops.inc({ reason });
        return advance(t, { type: 'StoppedBeforeInjection', reason });
      }
      if (t.phase !== 'Running') return t;
      if (t.stopRequestedAt && now.getTime() - Date.parse(t.stopRequestedAt) < STOP_RETRY_MS) return t;
      // The stop is judged by the container ending, not by the exec's answer: toe-stop is killed with the tool it
      // stopped (exit 137), and an exec that races the tool's own exit finds no container. Either way, ask again
      // after STOP_RETRY_MS if the tool still runs.
      try {
        await ctx.stopTool(namespace, t.pod, t.ephemeralContainer);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const ending = /exit code 137|not found|no running task/.test(message);
        log[ending ? 'debug' : 'warn'](
          { pod: t.pod, container: t.ephemeralContainer, err: message },
          'stop request answered with an error',
        );
      }
      if (!t.stopRequestedAt) {
        ctx.events.stopping(pt, t, reason);
        ctx.metrics.toolStops.inc({ reason });
      }
      return advance(t, { type: 'StopRequested', at: now.toISOString(), reason });
    }),
  );
}
