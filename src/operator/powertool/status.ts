import type { Condition, PowerToolPhase, PowerToolStatus, ResolvedTool, TargetStatus } from '../../api/index.ts';
import { setCondition, type ConditionInput } from '../../kube/conditions.ts';

import { targetEnded, targetSettled } from './target-phase.ts';

/** A refusal that stops the run before any target is touched; it holds until the spec changes. */
export interface Blocker {
  type: 'Selected' | 'Admitted' | 'Conflicted' | 'SteadyState' | 'EmergencyStop';
  reason: string;
  message: string;
}

export interface StatusInput {
  prev: PowerToolStatus | undefined;
  generation: number | undefined;
  now: Date;
  targets: TargetStatus[];
  blocker?: Blocker;
  dryRun: boolean;
  suspended: boolean;
  startedAt?: string;
  deadline?: string;
  /** The run's record of its tool, taken at selection; carried from prev when not given. */
  resolvedTool?: ResolvedTool;
}

/**
 * Conditions, counters and phase, all derived from the per-target records (as Chaos Mesh derives its conditions
 * from records). Phase is a summary for `kubectl get`; nothing branches on it.
 */
export function computeStatus(input: StatusInput): PowerToolStatus {
  const { targets, now, generation } = input;
  const count = (...phases: string[]) => targets.filter((t) => phases.includes(t.phase)).length;
  const selected = targets.length;
  const injected = targets.filter((t) => t.phase !== 'Pending' || t.startedAt !== undefined).length;
  const succeeded = count('Succeeded', 'Stopped');
  const failed = count('Failed', 'Gone');
  const allEnded = selected > 0 && targets.every(targetSettled);
  const ABORTS = ['Suspended', 'Deleted', 'SteadyStateBreached', 'EmergencyStop'];
  const aborted = targets.some((t) => t.stopReason !== undefined && ABORTS.includes(t.stopReason));

  let conditions: Condition[] = [...(input.prev?.conditions ?? [])];
  const set = (c: ConditionInput) => (conditions = setCondition(conditions, c, generation, now));
  const b = input.blocker;
  set(
    b?.type === 'Admitted'
      ? { type: 'Admitted', status: 'False', reason: b.reason, message: b.message }
      : { type: 'Admitted', status: 'True', reason: 'ArgsAllowed', message: 'the tool exists and its arguments are allowed' },
  );
  set(
    b?.type === 'Conflicted'
      ? { type: 'Conflicted', status: 'True', reason: b.reason, message: b.message }
      : { type: 'Conflicted', status: 'False', reason: 'NoConflict', message: 'no other active PowerTool holds these targets' },
  );
  if (b?.type === 'Selected') set({ type: 'Selected', status: 'False', reason: b.reason, message: b.message });
  else if (selected > 0) set({ type: 'Selected', status: 'True', reason: 'TargetsSelected', message: `${selected} pod(s) selected` });
  else if (!b)
    set({
      type: 'Selected',
      status: 'Unknown',
      reason: input.suspended ? 'Suspended' : 'Selecting',
      message: input.suspended ? 'spec.suspend holds the run before it starts' : 'choosing targets',
    });
  if (!b && selected > 0 && !input.dryRun) {
    set(
      injected === selected
        ? {
            type: 'Injected',
            status: 'True',
            reason: 'AllInjected',
            message: `the tool was injected into ${injected} of ${selected} pod(s)`,
          }
        : {
            type: 'Injected',
            status: 'False',
            reason: 'Injecting',
            message: `the tool was injected into ${injected} of ${selected} pod(s)`,
          },
    );
    set(
      allEnded
        ? {
            type: 'Completed',
            status: 'True',
            reason: aborted ? 'Aborted' : failed > 0 ? 'SomeFailed' : 'AllSucceeded',
            message: `${succeeded} succeeded, ${failed} failed${firstFailure(targets)}`,
          }
        : {
            type: 'Completed',
            status: 'False',
            reason: 'Running',
            message: `${targets.filter(targetSettled).length} of ${selected} ended${undoNote(targets)}`,
          },
    );
  }
  const undeliverable = targets.filter((t) => t.reason === 'SignalNotDeliverable');
  if (undeliverable.length > 0) {
    set({
      type: 'SignalNotDeliverable',
      status: 'True',
      reason: 'SignalNotDeliverable',
      message: undeliverable[0]?.message ?? 'the signal cannot be delivered',
    });
  }

  const status: PowerToolStatus = {
    phase: phaseOf(input, { selected, failed, allEnded, aborted }),
    observedGeneration: generation,
    conditions,
    selected,
    injected,
    succeeded,
    failed,
    targets,
  };
  if (input.startedAt) status.startedAt = input.startedAt;
  if (input.deadline) status.deadline = input.deadline;
  if (allEnded) status.finishedAt = input.prev?.finishedAt ?? latest(targets) ?? now.toISOString();
  else if (b || (input.dryRun && selected > 0)) status.finishedAt = input.prev?.finishedAt ?? now.toISOString();
  if (input.prev?.requestedBy) status.requestedBy = input.prev.requestedBy;
  if (input.prev?.steadyState) status.steadyState = input.prev.steadyState;
  const resolvedTool = input.resolvedTool ?? input.prev?.resolvedTool;
  if (resolvedTool && selected > 0) status.resolvedTool = resolvedTool;
  if (input.prev?.rendered && input.dryRun) status.rendered = input.prev.rendered;
  return status;
}

function phaseOf(input: StatusInput, s: { selected: number; failed: number; allEnded: boolean; aborted: boolean }): PowerToolPhase {
  if (input.blocker?.type === 'Conflicted') return 'Conflicted';
  if (input.blocker) return 'Failed';
  if (input.dryRun) return 'DryRun';
  if (s.allEnded) return s.aborted ? 'Aborted' : s.failed > 0 ? 'Failed' : 'Succeeded';
  if (input.targets.some((t) => t.phase === 'Running' || targetEnded(t))) return 'Running';
  return 'Pending';
}

/** The first failed target's story, so `kubectl describe` says why without reading every record. */
function firstFailure(targets: TargetStatus[]): string {
  const t = targets.find((x) => x.phase === 'Failed' || x.phase === 'Gone');
  if (!t?.message) return '';
  const undo = t.undo ? ` (undo ${t.undo.container}: ${t.undo.phase}${t.undo.message ? `, ${t.undo.message}` : ''})` : '';
  return `; ${t.pod}: ${t.message}${undo}`;
}

/** While the operator undoes the fault of tools that ended abruptly, the run says so. */
function undoNote(targets: TargetStatus[]): string {
  const n = targets.filter((t) => targetEnded(t) && !targetSettled(t)).length;
  return n > 0 ? `; undoing the fault of ${n} tool(s) that ended without their clean result` : '';
}

function latest(targets: TargetStatus[]): string | undefined {
  return targets
    .map((t) => t.finishedAt)
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);
}
