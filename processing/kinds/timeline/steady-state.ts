/**
 * The steady-state probes on the fault's time axis: when each probe first failed, when the run was aborted for it,
 * and when it passed again, so a reader sees the breach against the fault's own curve. Pure; from status.steadyState.
 */
import type { PowerToolStatus } from '../../../src/api/index.ts';
import type { TimelineEvent } from './parse.ts';

export function steadyStateEvents(status: PowerToolStatus): TimelineEvent[] {
  const at = (t: string | undefined): number => (t === undefined ? Number.NaN : Date.parse(t));
  return (status.steadyState?.probes ?? [])
    .flatMap((p): TimelineEvent[] => [
      { t: at(p.firstBreachAt), kind: 'ProbeFailed', severity: 'warning', detail: `probe ${p.name} failed its first check` },
      { t: at(p.breachedAt), kind: 'SteadyStateBreached', severity: 'critical', detail: `probe ${p.name}: the run was aborted` },
      {
        t: at(p.recoveredAt),
        kind: 'ProbeRecovered',
        severity: 'info',
        detail: `probe ${p.name} passed again${p.recoverySeconds !== undefined ? ` ${p.recoverySeconds}s after its first breach` : ''}`,
      },
    ])
    .filter((e) => Number.isFinite(e.t));
}
