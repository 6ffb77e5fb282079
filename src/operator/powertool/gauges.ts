import { parseDuration, type PowerTool } from '../../api/index.ts';
import { targetEnded } from './target-phase.ts';

/** How long past its deadline plus finish grace a tool may still run before it counts as overdue: one resync. */
export const OVERDUE_SLACK_MS = 30_000;

export interface RunGauges {
  /** Tools injected and not yet ended, by tool. */
  active: Map<string, number>;
  /** Of those, the ones still running past the run's deadline and finish grace: a fault that outlived its run. */
  pastDeadline: Map<string, number>;
  /** PowerTools by phase (Pending for one without a status yet). */
  phases: Map<string, number>;
}

/**
 * The gauges derived from the PowerTools as the cache holds them, computed at scrape time rather than kept in step
 * with every status write: a count can then never drift from what the API server says. Pure.
 */
export function runGauges(pts: readonly PowerTool[], now: Date): RunGauges {
  const active = new Map<string, number>();
  const pastDeadline = new Map<string, number>();
  const phases = new Map<string, number>();
  for (const pt of pts) {
    const phase = pt.status?.phase ?? 'Pending';
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
    const tool = pt.spec?.tool?.name;
    if (!tool) continue;
    const live = (pt.status?.targets ?? []).filter((t) => t.phase !== 'Pending' && !targetEnded(t)).length;
    if (live === 0) continue;
    active.set(tool, (active.get(tool) ?? 0) + live);
    const deadline = pt.status?.deadline ? Date.parse(pt.status.deadline) : NaN;
    const grace = parseDuration(pt.status?.resolvedTool?.finishGrace ?? '0s') ?? 0;
    if (Number.isFinite(deadline) && now.getTime() > deadline + grace + OVERDUE_SLACK_MS) {
      pastDeadline.set(tool, (pastDeadline.get(tool) ?? 0) + live);
    }
  }
  return { active, pastDeadline, phases };
}
