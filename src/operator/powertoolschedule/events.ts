import type { V1ObjectReference } from '@kubernetes/client-node';
import { API_VERSION } from '../../api/index.ts';
import type { Recorder } from '../../kube/recorder.ts';

/**
 * Every Event the PowerToolSchedule controller emits, regarding the schedule (related: the run), on what happened
 * in a pass: a run started, skipped, replaced, pruned. CronJob's reasons where the meaning is the same.
 */
export const reasons = {
  SuccessfulCreate: 'SuccessfulCreate',
  SuccessfulDelete: 'SuccessfulDelete',
  JobAlreadyActive: 'JobAlreadyActive',
  TooManyMissedTimes: 'TooManyMissedTimes',
  InvalidSchedule: 'InvalidSchedule',
  FailedCreate: 'FailedCreate',
} as const;

type Ref = { name: string; namespace?: string; uid?: string };

const scheduleRef = (s: Ref): V1ObjectReference => ({
  apiVersion: API_VERSION,
  kind: 'PowerToolSchedule',
  name: s.name,
  namespace: s.namespace,
  uid: s.uid,
});
const runRef = (namespace: string | undefined, r: Ref): V1ObjectReference => ({
  apiVersion: API_VERSION,
  kind: 'PowerTool',
  name: r.name,
  namespace,
  uid: r.uid,
});

export class ScheduleEvents {
  constructor(private readonly recorder: Recorder) {}

  private emit(s: Ref, type: 'Normal' | 'Warning', reason: string, action: string, note: string, related?: Ref): void {
    this.recorder.emit({
      regarding: scheduleRef(s),
      ...(related ? { related: runRef(s.namespace, related) } : {}),
      type,
      reason,
      action,
      note,
    });
  }
  created(s: Ref, run: Ref, slot: Date): void {
    this.emit(s, 'Normal', reasons.SuccessfulCreate, 'Schedule', `created PowerTool ${run.name} for ${slot.toISOString()}`, run);
  }
  replaced(s: Ref, run: Ref): void {
    this.emit(
      s,
      'Normal',
      reasons.SuccessfulDelete,
      'Replace',
      `deleted the active PowerTool ${run.name} (concurrencyPolicy Replace)`,
      run,
    );
  }
  pruned(s: Ref, run: Ref): void {
    this.emit(s, 'Normal', reasons.SuccessfulDelete, 'Prune', `deleted the finished PowerTool ${run.name} past the history limit`, run);
  }
  forbidden(s: Ref, slot: Date, active: string[]): void {
    this.emit(
      s,
      'Normal',
      reasons.JobAlreadyActive,
      'Schedule',
      `not starting the run for ${slot.toISOString()}: ${active.join(', ')} still active and concurrencyPolicy is Forbid`,
    );
  }
  tooMany(s: Ref, count: number): void {
    this.emit(
      s,
      'Warning',
      reasons.TooManyMissedTimes,
      'Schedule',
      `more than ${count - 1} slots were missed (operator down or suspended); only the most recent starts. Set startingDeadlineSeconds to bound the catch-up`,
    );
  }
  invalid(s: Ref, message: string): void {
    this.emit(s, 'Warning', reasons.InvalidSchedule, 'Schedule', `${message}; fix spec.schedule`);
  }
  failedCreate(s: Ref, name: string, message: string): void {
    this.emit(s, 'Warning', reasons.FailedCreate, 'Schedule', `could not create PowerTool ${name}: ${message}; fix spec.template`);
  }
}
