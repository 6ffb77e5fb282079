/**
 * The emergency stop as the PowerTool reconciler sees it: while an EmergencyStop exists, a run that has not started
 * is refused (and stays refused, see `refusedByEmergencyStop`), and a running one is stopped through the suspend
 * path with stop reason EmergencyStop. Writes only the EmergencyStopped condition; `kubectl get pt` shows its reason.
 */
import type { PowerToolStatus } from '../../api/index.ts';
import { findCondition, setCondition } from '../../kube/conditions.ts';
import { activeStop, describeStop, refusalMessage, type LiveEmergencyStop } from '../emergency-stop/active.ts';
import { EMERGENCY_STOPPED } from '../emergency-stop/status.ts';
import type { PowerToolContext } from './context.ts';
import type { LivePowerTool } from './reconcile.ts';
import type { Blocker } from './status.ts';

/** The stop in force now, from the informer cache. */
export function emergencyStopNow(ctx: PowerToolContext): LiveEmergencyStop | undefined {
  return activeStop(ctx.caches.emergencyStops.list() as LiveEmergencyStop[]);
}

/**
 * A run refused while a stop was active stays refused when the stop is cleared, until its spec changes (as a
 * conflicted run or one whose steady state did not hold). Clearing a stop is the moment a system is least ready
 * for chaos: a backlog of faults starting by themselves then, hours after someone asked for them, would surprise
 * whoever cleared it. Re-applying the PowerTool (a new name, or a spec change) is the deliberate restart.
 */
export function refusedByEmergencyStop(pt: LivePowerTool): boolean {
  const c = findCondition(pt.status?.conditions, EMERGENCY_STOPPED);
  return c?.reason === 'NotStarted' && c.observedGeneration === pt.metadata.generation;
}

export function startBlocker(stop: LiveEmergencyStop): Blocker {
  return { type: 'EmergencyStop', reason: 'EmergencyStop', message: refusalMessage(stop) };
}

/** Adds the EmergencyStopped condition to a computed status when the stop refused or stopped this run. */
export function withEmergencyStop(
  pt: LivePowerTool,
  status: PowerToolStatus,
  stop: LiveEmergencyStop | undefined,
  now: Date,
  refused = false,
): PowerToolStatus {
  if (!stop) return status;
  const generation = pt.metadata.generation;
  if (refused) {
    const condition = { type: EMERGENCY_STOPPED, status: 'True' as const, reason: 'NotStarted', message: refusalMessage(stop) };
    return { ...status, conditions: setCondition(status.conditions, condition, generation, now) };
  }
  if (!(status.targets ?? []).some((t) => t.stopReason === 'EmergencyStop')) return status;
  // Written once: a later visit after the stop was cleared (or another pulled) keeps the record of the one that acted.
  if (findCondition(status.conditions, EMERGENCY_STOPPED)?.reason === 'Stopped') return status;
  const message = `stopped by ${describeStop(stop)}: every tool of this run was asked to stop and undo its fault`;
  const condition = { type: EMERGENCY_STOPPED, status: 'True' as const, reason: 'Stopped', message };
  return { ...status, conditions: setCondition(status.conditions, condition, generation, now) };
}
