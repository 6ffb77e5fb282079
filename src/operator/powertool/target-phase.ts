import type { TargetPhase, TargetStatus, UndoPhase, UndoStatus } from '../../api/index.ts';

/**
 * The one owner of a target record's phase: every change to `status.targets[].phase` is a function of (record,
 * what happened), here, and nowhere else. Pure.
 *
 *   Pending ──injected──▶ Injected ──running──▶ Running ──terminated──▶ Succeeded | Failed | Stopped
 *      │  ╲                   │ ╲ cannot start ▶ Failed       │
 *      │   ╲ injection failed, collector missing, deadline ▶ Failed
 *      ├── stopped before injection ▶ Stopped
 *      ├── (action evict) evicted ▶ Succeeded; eviction refused by a budget, or failing for good ▶ Failed
 *      └── (any live phase) pod gone or replaced ▶ Gone
 *
 * A record never moves back and an ended one never changes: an illegal move leaves the record as it is, so an
 * observation that arrives late or twice (a stale cache, a second pass) cannot rewrite what was recorded.
 *
 * A Failed target whose tool ended without its clean result may carry one undo (`undo`, see undo.ts), with its own
 * phase that only moves forward the same way:
 *
 *   Pending ──injected──▶ Injected ──running──▶ Running ──terminated──▶ Succeeded | Failed
 *      └── injection failed for good, or cannot start ▶ Failed;  (any live phase) pod gone ▶ Gone
 *
 * The target's own phase stays Failed (the tool did not do its job); the run ends once every undo has ended too.
 */

const ENDED: ReadonlySet<TargetPhase> = new Set(['Succeeded', 'Failed', 'Stopped', 'Gone']);
export const targetEnded = (t: Pick<TargetStatus, 'phase'>): boolean => ENDED.has(t.phase);

const LEGAL: Record<TargetPhase, readonly TargetPhase[]> = {
  Pending: ['Pending', 'Injected', 'Running', 'Succeeded', 'Failed', 'Stopped', 'Gone'],
  Injected: ['Injected', 'Running', 'Succeeded', 'Failed', 'Stopped', 'Gone'],
  Running: ['Running', 'Succeeded', 'Failed', 'Stopped', 'Gone'],
  Succeeded: [],
  Failed: [],
  Stopped: [],
  Gone: [],
};

export const canMove = (from: TargetPhase, to: TargetPhase): boolean => LEGAL[from].includes(to);

const UNDO_LEGAL: Record<UndoPhase, readonly UndoPhase[]> = {
  Pending: ['Pending', 'Injected', 'Running', 'Succeeded', 'Failed', 'Gone'],
  Injected: ['Injected', 'Running', 'Succeeded', 'Failed', 'Gone'],
  Running: ['Running', 'Succeeded', 'Failed', 'Gone'],
  Succeeded: [],
  Failed: [],
  Gone: [],
};

export const undoEnded = (u: Pick<UndoStatus, 'phase'>): boolean => UNDO_LEGAL[u.phase].length === 0;
/** Ended, and its undo (if any) ended too: nothing of this target acts on the pod any more. */
export const targetSettled = (t: Pick<TargetStatus, 'phase' | 'undo'>): boolean => targetEnded(t) && (!t.undo || undoEnded(t.undo));

/** What happened to a target, as the controller saw it or did it. */
export type TargetEvent =
  /** The pod is gone, or a new pod took its name. */
  | { type: 'PodGone' }
  /** The kubelet reports the tool's container as running. */
  | { type: 'ContainerRunning'; startedAt?: string }
  /** The container waits for the kubelet (pulling, creating); `fatal` when that will not fix itself. */
  | { type: 'ContainerWaiting'; reason?: string; message?: string; fatal: boolean }
  /** The container ended; `finished` when the tool's result says it did its job whatever its exit code. */
  | {
      type: 'ContainerTerminated';
      exitCode: number;
      finished: boolean;
      reason: string;
      message: string;
      startedAt?: string;
      finishedAt?: string;
      extra?: Pick<TargetStatus, 'result' | 'artifacts'>;
    }
  /** The PATCH adding the ephemeral container succeeded. */
  | { type: 'InjectSucceeded' }
  /** The PATCH failed; `final` when no attempt is left or the error will not go away. */
  | { type: 'InjectFailed'; message: string; final: boolean }
  /** Output mode collector without a collector to send to. */
  | { type: 'CollectorUnavailable' }
  /** The operator asked the running tool to stop. */
  | { type: 'StopRequested'; at: string; reason: NonNullable<TargetStatus['stopReason']> }
  /** The run stopped before this target was injected. */
  | { type: 'StoppedBeforeInjection'; reason: NonNullable<TargetStatus['stopReason']> }
  /** The run's tool can no longer be injected (its config gone with no record of it, or outside the policy). */
  | { type: 'NotAdmitted'; reason: string; message: string }
  /** The deadline passed and the target is still not injected. */
  | { type: 'DeadlinePassed' }
  /** (action evict) The Eviction API accepted the eviction of the pod. */
  | { type: 'Evicted'; at: string }
  /** (action evict) A PodDisruptionBudget forbids the eviction now; it is not forced. */
  | { type: 'EvictionRefused'; at: string; budgets: string[]; message: string }
  /** The tool ended without its clean result and its config says how to undo the fault: one undo container. */
  | { type: 'UndoNeeded'; at: string; container: string }
  /** The PATCH adding the undo container succeeded, or failed (`final`: no attempt left). */
  | { type: 'UndoInjected' }
  | { type: 'UndoInjectFailed'; message: string; final: boolean }
  /** What the pod says about the undo container. */
  | { type: 'UndoRunning'; startedAt?: string }
  | { type: 'UndoWaiting'; reason?: string; message?: string; fatal: boolean }
  | { type: 'UndoTerminated'; exitCode: number; reason: string; message: string; startedAt?: string; finishedAt?: string }
  | { type: 'UndoPodGone' };

/** The first record of a target chosen at selection. */
export function selectedTarget(t: { pod: string; podUID: string; container: string }, ephemeralContainer: string): TargetStatus {
  return { pod: t.pod, podUID: t.podUID, container: t.container, ephemeralContainer, phase: 'Pending', attempts: 0 };
}

function move(t: TargetStatus, to: TargetPhase, fields: Partial<TargetStatus> = {}): TargetStatus {
  return canMove(t.phase, to) ? { ...t, ...fields, phase: to } : t;
}

function moveUndo(t: TargetStatus, to: UndoPhase, fields: Partial<UndoStatus> = {}): TargetStatus {
  if (!t.undo || !UNDO_LEGAL[t.undo.phase].includes(to)) return t;
  return { ...t, undo: { ...t.undo, ...fields, phase: to } };
}

/** The undo part of `advance`. */
function advanceUndo(t: TargetStatus, event: Extract<TargetEvent, { type: `Undo${string}` }>): TargetStatus {
  const u = t.undo;
  switch (event.type) {
    case 'UndoNeeded':
      if (t.phase !== 'Failed' || u) return t;
      return {
        ...t,
        undo: {
          container: event.container,
          phase: 'Pending',
          attempts: 0,
          requestedAt: event.at,
          reason: 'UndoPending',
          message: 'the tool ended without its clean result: the operator undoes its fault',
        },
      };
    case 'UndoInjected':
      if (u?.phase !== 'Pending') return t;
      return moveUndo(t, 'Injected', {
        attempts: (u.attempts ?? 0) + 1,
        reason: 'Injected',
        message: 'waiting for the kubelet to start the undo',
      });
    case 'UndoInjectFailed': {
      if (u?.phase !== 'Pending') return t;
      const attempts = (u.attempts ?? 0) + 1;
      return event.final
        ? moveUndo(t, 'Failed', { attempts, reason: 'InjectionFailed', message: event.message })
        : moveUndo(t, 'Pending', { attempts, reason: 'InjectionRetrying', message: event.message });
    }
    case 'UndoRunning':
      return moveUndo(t, 'Running', { startedAt: u?.startedAt ?? event.startedAt, reason: 'Running', message: 'the undo is running' });
    case 'UndoWaiting':
      return event.fatal
        ? moveUndo(t, 'Failed', { reason: event.reason, message: event.message ?? `the undo container cannot start: ${event.reason}` })
        : t;
    case 'UndoTerminated':
      return moveUndo(t, event.exitCode === 0 ? 'Succeeded' : 'Failed', {
        exitCode: event.exitCode,
        reason: event.reason,
        message: event.message,
        startedAt: u?.startedAt ?? event.startedAt,
        finishedAt: event.finishedAt,
      });
    case 'UndoPodGone':
      return moveUndo(t, 'Gone', { reason: 'PodGone', message: `pod ${t.pod} was deleted or replaced before the undo ended` });
  }
}

/** The record after `event`; the record itself when the event does not apply to its phase. */
export function advance(t: TargetStatus, event: TargetEvent): TargetStatus {
  switch (event.type) {
    case 'UndoNeeded':
    case 'UndoInjected':
    case 'UndoInjectFailed':
    case 'UndoRunning':
    case 'UndoWaiting':
    case 'UndoTerminated':
    case 'UndoPodGone':
      return advanceUndo(t, event);
    case 'PodGone':
      return move(t, 'Gone', { reason: 'PodGone', message: `pod ${t.pod} was deleted or replaced before the tool finished` });
    case 'ContainerRunning':
      return move(t, 'Running', { startedAt: t.startedAt ?? event.startedAt, reason: 'Running', message: 'the tool is running' });
    case 'ContainerWaiting':
      return event.fatal
        ? move(t, 'Failed', {
            reason: event.reason,
            message: event.message ?? `the tool container cannot start: ${event.reason}`,
          })
        : move(t, 'Injected', {
            reason: event.reason ?? 'Injected',
            message: event.message ?? 'waiting for the kubelet to start the tool',
          });
    case 'ContainerTerminated': {
      const success = event.exitCode === 0 || event.finished;
      // A tool that ended well after the operator asked it to stop was stopped, not finished.
      const to: TargetPhase = !success ? 'Failed' : t.stopRequestedAt ? 'Stopped' : 'Succeeded';
      return move(t, to, {
        exitCode: event.exitCode,
        reason: event.reason,
        message: event.message,
        startedAt: t.startedAt ?? event.startedAt,
        finishedAt: event.finishedAt ?? t.finishedAt,
        ...event.extra,
      });
    }
    case 'InjectSucceeded':
      if (t.phase !== 'Pending') return t;
      return move(t, 'Injected', {
        attempts: (t.attempts ?? 0) + 1,
        reason: 'Injected',
        message: 'waiting for the kubelet to start the tool',
      });
    case 'InjectFailed': {
      if (t.phase !== 'Pending') return t;
      const attempts = (t.attempts ?? 0) + 1;
      return event.final
        ? move(t, 'Failed', { attempts, reason: 'InjectionFailed', message: event.message })
        : move(t, 'Pending', { attempts, reason: 'InjectionRetrying', message: event.message });
    }
    case 'CollectorUnavailable':
      if (t.phase !== 'Pending') return t;
      return move(t, 'Failed', {
        reason: 'CollectorUnavailable',
        message: 'output mode collector needs the operator to run with --collector-url',
      });
    case 'StopRequested':
      if (t.phase !== 'Running') return t;
      return { ...t, stopRequestedAt: event.at, stopReason: event.reason };
    case 'StoppedBeforeInjection':
      if (t.phase !== 'Pending') return t;
      return move(t, 'Stopped', { stopReason: event.reason, reason: 'NotStarted', message: `stopped before injection (${event.reason})` });
    case 'NotAdmitted':
      if (t.phase !== 'Pending') return t;
      return move(t, 'Failed', { reason: event.reason, message: event.message });
    case 'Evicted':
      if (t.phase !== 'Pending') return t;
      return move(t, 'Succeeded', {
        attempts: (t.attempts ?? 0) + 1,
        startedAt: event.at,
        finishedAt: event.at,
        evictedAt: event.at,
        reason: 'Evicted',
        message: `pod ${t.pod} was evicted through the Eviction API, its PodDisruptionBudgets respected`,
      });
    case 'EvictionRefused':
      if (t.phase !== 'Pending') return t;
      return move(t, 'Failed', {
        attempts: (t.attempts ?? 0) + 1,
        finishedAt: event.at,
        refusedBy: event.budgets,
        reason: 'EvictionRefused',
        message: event.message,
      });
    case 'DeadlinePassed':
      if (t.phase !== 'Pending') return t;
      return move(t, 'Failed', { reason: 'NotInjected', message: t.message ?? 'the deadline passed before the tool could be injected' });
  }
}
