/**
 * The status of an EmergencyStop, from the PowerTools as the cache holds them. Pure. Who and when come from the
 * object itself (creationTimestamp, the requested-by annotation); what it stopped from the PowerTools' own target
 * records, which the PowerTool controller writes: this controller never decides anything about a run.
 */
import type { Condition, EmergencyStopStatus, PowerTool, StoppedRun, TargetStatus } from '../../api/index.ts';
import { findCondition, setCondition } from '../../kube/conditions.ts';
import { requesterOf, type LiveEmergencyStop } from './active.ts';

/** The condition the PowerTool controller sets on runs an emergency stop stopped or refused. */
export const EMERGENCY_STOPPED = 'EmergencyStopped';
const MAX_LISTED = 1000;
// A target still Pending is never injected once a stop is active; only these have a tool that has not exited.
const live = (t: TargetStatus) => t.phase === 'Injected' || t.phase === 'Running';

/** When this run was stopped by an emergency stop (its first stop request, else when it finished), if it was. */
function stoppedAt(pt: PowerTool): string | undefined {
  const targets = (pt.status?.targets ?? []).filter((t) => t.stopReason === 'EmergencyStop');
  if (targets.length === 0) return undefined;
  const asked = targets.flatMap((t) => (t.stopRequestedAt ? [t.stopRequestedAt] : [])).sort()[0];
  return asked ?? pt.status?.finishedAt ?? '';
}

export function emergencyStopStatus(stop: LiveEmergencyStop, powerTools: readonly PowerTool[], now: Date): EmergencyStopStatus {
  const since = stop.metadata.creationTimestamp ?? '';
  // Stopped by this stop, not an earlier one: asked to stop after it was pulled. Compared as times, not text:
  // creationTimestamp has whole seconds, the stop request milliseconds ("…:19.514Z" sorts before "…:19Z").
  const sinceMs = Date.parse(since);
  const notBefore = (at: string) => Number.isNaN(sinceMs) || Date.parse(at) >= sinceMs;
  const after = (at: string | undefined) => at !== undefined && (at === '' || notBefore(at));
  const stopped: StoppedRun[] = [];
  let refused = 0;
  let running = 0;
  for (const pt of powerTools) {
    const targets = pt.status?.targets ?? [];
    running += targets.filter(live).length;
    const at = stoppedAt(pt);
    if (after(at)) {
      stopped.push({
        namespace: pt.metadata.namespace ?? '',
        name: pt.metadata.name,
        ...(at ? { stoppedAt: at } : {}),
        running: targets.filter(live).length,
      });
    }
    const held = findCondition(pt.status?.conditions, EMERGENCY_STOPPED);
    if (held?.reason === 'NotStarted' && notBefore(held.lastTransitionTime)) refused += 1;
  }
  stopped.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const status: EmergencyStopStatus = {
    observedGeneration: stop.metadata.generation,
    activatedAt: since || undefined,
    stoppedCount: stopped.length,
    runningCount: running,
    refusedCount: refused,
    stopped: stopped.slice(0, MAX_LISTED),
  };
  const by = requesterOf(stop);
  if (by) status.activatedBy = by;
  if (!status.activatedAt) delete status.activatedAt;
  const condition =
    running === 0
      ? { type: 'Stopped', status: 'True' as const, reason: 'AllStopped', message: `no tool runs; ${stopped.length} PowerTool(s) stopped` }
      : {
          type: 'Stopped',
          status: 'False' as const,
          reason: 'Stopping',
          message: `${running} tool(s) have not exited yet; the operator asks them again every few seconds`,
        };
  status.conditions = setCondition(stop.status?.conditions as Condition[] | undefined, condition, stop.metadata.generation, now);
  return status;
}
