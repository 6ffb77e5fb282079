import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetStatus } from '../../api/index.ts';
import { computeStatus, type StatusInput } from './status.ts';
import { selectedTarget } from './target-phase.ts';

const now = new Date('2026-11-02T10:01:00.000Z');
const target = (pod: string, phase: TargetStatus['phase'], more: Partial<TargetStatus> = {}): TargetStatus => ({
  ...selectedTarget({ pod, podUID: `uid-${pod}`, container: 'app' }, `toe-perf-${pod}`),
  phase,
  ...more,
});
const input = (targets: TargetStatus[], more: Partial<StatusInput> = {}): StatusInput => ({
  prev: undefined,
  generation: 1,
  now,
  targets,
  dryRun: false,
  suspended: false,
  ...more,
});
const condition = (s: ReturnType<typeof computeStatus>, type: string) => s.conditions?.find((c) => c.type === type);

describe('computeStatus', () => {
  it('counts the targets and calls a run with one running tool Running', () => {
    const s = computeStatus(input([target('a', 'Running'), target('b', 'Pending'), target('c', 'Injected')]));
    assert.deepEqual([s.phase, s.selected, s.injected, s.succeeded, s.failed], ['Running', 3, 2, 0, 0]);
    assert.equal(condition(s, 'Injected')?.reason, 'Injecting');
    assert.equal(condition(s, 'Completed')?.status, 'False');
    assert.equal(s.finishedAt, undefined);
  });

  it('finishes when every target ended, at the latest finish, with the failures counted', () => {
    const s = computeStatus(
      input([
        target('a', 'Succeeded', { finishedAt: '2026-11-02T10:00:30.000Z' }),
        target('b', 'Gone', { finishedAt: '2026-11-02T10:00:40.000Z' }),
        target('c', 'Stopped'),
      ]),
    );
    assert.deepEqual([s.phase, s.succeeded, s.failed, s.finishedAt], ['Failed', 2, 1, '2026-11-02T10:00:40.000Z']);
    assert.equal(condition(s, 'Completed')?.reason, 'SomeFailed');
  });

  it('calls a suspended or deleted run Aborted', () => {
    const s = computeStatus(input([target('a', 'Stopped', { stopReason: 'Suspended' }), target('b', 'Succeeded')]));
    assert.deepEqual([s.phase, condition(s, 'Completed')?.reason], ['Aborted', 'Aborted']);
  });

  it('records a blocker in its condition and finishes the run at once', () => {
    const s = computeStatus(input([], { blocker: { type: 'Conflicted', reason: 'TargetBusy', message: 'PowerTool a holds web-1' } }));
    assert.deepEqual([s.phase, condition(s, 'Conflicted')?.status, s.finishedAt], ['Conflicted', 'True', now.toISOString()]);
    const refused = computeStatus(input([], { blocker: { type: 'Admitted', reason: 'ArgsRefused', message: 'no' } }));
    assert.deepEqual([refused.phase, condition(refused, 'Admitted')?.status], ['Failed', 'False']);
  });

  it('keeps lastTransitionTime while a condition keeps its status', () => {
    const first = computeStatus(input([target('a', 'Running')]));
    const later = computeStatus(
      input([target('a', 'Running'), target('b', 'Pending')], { prev: first, now: new Date('2026-11-02T10:05:00.000Z') }),
    );
    assert.equal(condition(later, 'Selected')?.lastTransitionTime, condition(first, 'Selected')?.lastTransitionTime);
  });

  it('raises SignalNotDeliverable when a target reports it', () => {
    const s = computeStatus(input([target('a', 'Failed', { reason: 'SignalNotDeliverable', message: 'PID 1 ignores SIGUSR1' })]));
    assert.equal(condition(s, 'SignalNotDeliverable')?.message, 'PID 1 ignores SIGUSR1');
  });
});
