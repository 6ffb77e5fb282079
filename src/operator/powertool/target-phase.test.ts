import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { targetPhases, type TargetPhase, type TargetStatus } from '../../api/index.ts';
import { advance, canMove, selectedTarget, targetEnded, type TargetEvent } from './target-phase.ts';

const pending = selectedTarget({ pod: 'web-1', podUID: 'u1', container: 'app' }, 'toe-perf-1234abcd');
const at = (phase: TargetPhase, more: Partial<TargetStatus> = {}): TargetStatus => ({ ...pending, phase, ...more });
const terminated = (exitCode: number, finished = false): TargetEvent => ({
  type: 'ContainerTerminated',
  exitCode,
  finished,
  reason: exitCode === 0 ? 'Completed' : 'Error',
  message: 'done',
  startedAt: '2026-11-02T10:00:01.000Z',
  finishedAt: '2026-11-02T10:00:31.000Z',
});

describe('target transitions', () => {
  it('starts a selected target Pending with no attempts', () => {
    assert.deepEqual(pending, {
      pod: 'web-1',
      podUID: 'u1',
      container: 'app',
      ephemeralContainer: 'toe-perf-1234abcd',
      phase: 'Pending',
      attempts: 0,
    });
  });

  it('walks Pending → Injected → Running → Succeeded, counting the attempt and keeping the first start time', () => {
    const injected = advance(pending, { type: 'InjectSucceeded' });
    assert.deepEqual([injected.phase, injected.attempts, injected.reason], ['Injected', 1, 'Injected']);
    const running = advance(injected, { type: 'ContainerRunning', startedAt: '2026-11-02T10:00:01.000Z' });
    assert.deepEqual([running.phase, running.startedAt], ['Running', '2026-11-02T10:00:01.000Z']);
    const done = advance(running, { ...terminated(0), startedAt: '2026-11-02T11:00:00.000Z' } as TargetEvent);
    assert.deepEqual(
      [done.phase, done.exitCode, done.startedAt, done.finishedAt],
      ['Succeeded', 0, '2026-11-02T10:00:01.000Z', '2026-11-02T10:00:31.000Z'],
    );
  });

  it('never changes an ended target, whatever it is told', () => {
    const events: TargetEvent[] = [
      { type: 'PodGone' },
      { type: 'ContainerRunning' },
      { type: 'ContainerWaiting', fatal: false },
      terminated(1),
      { type: 'InjectSucceeded' },
      { type: 'InjectFailed', message: 'x', final: true },
      { type: 'CollectorUnavailable' },
      { type: 'StopRequested', at: '2026-11-02T10:00:00Z', reason: 'Deadline' },
      { type: 'StoppedBeforeInjection', reason: 'Suspended' },
      { type: 'DeadlinePassed' },
      { type: 'Evicted', at: '2026-11-02T10:00:00Z' },
      { type: 'EvictionRefused', at: '2026-11-02T10:00:00Z', budgets: ['b'], message: 'x' },
    ];
    for (const phase of ['Succeeded', 'Failed', 'Stopped', 'Gone'] as const) {
      const t = at(phase, { reason: 'Was' });
      assert.equal(targetEnded(t), true);
      for (const e of events) assert.equal(advance(t, e), t, `${phase} after ${e.type}`);
    }
  });

  it('refuses every move back: Running never returns to Injected or Pending', () => {
    const running = at('Running', { reason: 'Running', message: 'the tool is running' });
    assert.equal(advance(running, { type: 'ContainerWaiting', reason: 'ContainerCreating', fatal: false }), running);
    assert.equal(canMove('Running', 'Pending'), false);
    assert.equal(canMove('Injected', 'Pending'), false);
    for (const from of targetPhases)
      for (const to of targetPhases) if (targetEnded({ phase: from })) assert.equal(canMove(from, to), false);
  });

  it('calls a tool that ended well after a stop request Stopped, and one that failed Failed', () => {
    const stopping = advance(at('Running'), { type: 'StopRequested', at: '2026-11-02T10:00:20.000Z', reason: 'Suspended' });
    assert.deepEqual([stopping.phase, stopping.stopRequestedAt, stopping.stopReason], ['Running', '2026-11-02T10:00:20.000Z', 'Suspended']);
    assert.equal(advance(stopping, terminated(0)).phase, 'Stopped');
    assert.equal(advance(stopping, terminated(137, true)).phase, 'Stopped');
    assert.equal(advance(stopping, terminated(137)).phase, 'Failed');
    assert.equal(advance(at('Running'), terminated(137, true)).phase, 'Succeeded');
  });

  it('asks only a running tool to stop, and stops a target never injected outright', () => {
    const injected = at('Injected');
    assert.equal(advance(injected, { type: 'StopRequested', at: 'now', reason: 'Deadline' }), injected);
    const stopped = advance(pending, { type: 'StoppedBeforeInjection', reason: 'Deleted' });
    assert.deepEqual([stopped.phase, stopped.stopReason, stopped.reason], ['Stopped', 'Deleted', 'NotStarted']);
  });

  it('retries a failed injection Pending and fails it on the last attempt', () => {
    const retry = advance(pending, { type: 'InjectFailed', message: 'inject into pod web-1: boom', final: false });
    assert.deepEqual([retry.phase, retry.attempts, retry.reason], ['Pending', 1, 'InjectionRetrying']);
    const failed = advance(retry, { type: 'InjectFailed', message: 'inject into pod web-1: boom', final: true });
    assert.deepEqual(
      [failed.phase, failed.attempts, failed.reason, failed.message],
      ['Failed', 2, 'InjectionFailed', 'inject into pod web-1: boom'],
    );
  });

  it('fails a pending target for a missing collector or a passed deadline, and an injected one only for a fatal wait', () => {
    assert.equal(advance(pending, { type: 'CollectorUnavailable' }).reason, 'CollectorUnavailable');
    assert.equal(advance(at('Injected'), { type: 'CollectorUnavailable' }).phase, 'Injected');
    const late = advance(pending, { type: 'DeadlinePassed' });
    assert.deepEqual([late.phase, late.reason], ['Failed', 'NotInjected']);
    assert.equal(advance(at('Running'), { type: 'DeadlinePassed' }).phase, 'Running');
    const pull = advance(at('Injected'), { type: 'ContainerWaiting', reason: 'ErrImagePull', fatal: true });
    assert.deepEqual([pull.phase, pull.reason, pull.message], ['Failed', 'ErrImagePull', 'the tool container cannot start: ErrImagePull']);
    assert.equal(
      advance(at('Injected'), { type: 'ContainerWaiting', reason: 'ContainerCreating', fatal: false }).reason,
      'ContainerCreating',
    );
  });

  it('marks any live target whose pod went Gone', () => {
    for (const phase of ['Pending', 'Injected', 'Running'] as const) {
      const gone = advance(at(phase), { type: 'PodGone' });
      assert.deepEqual([gone.phase, gone.reason], ['Gone', 'PodGone']);
    }
  });

  it('records an eviction as Succeeded with its time, and a budget refusal as Failed naming the budget', () => {
    const when = '2026-11-02T10:00:05.000Z';
    const evicted = advance(at('Pending'), { type: 'Evicted', at: when });
    assert.deepEqual(
      [evicted.phase, evicted.reason, evicted.evictedAt, evicted.finishedAt, evicted.attempts],
      ['Succeeded', 'Evicted', when, when, 1],
    );
    const message = 'eviction of pod web-1 refused by PodDisruptionBudget "web-budget": ...; not forced';
    const refused = advance(at('Pending'), { type: 'EvictionRefused', at: when, budgets: ['web-budget'], message });
    assert.deepEqual(
      [refused.phase, refused.reason, refused.refusedBy, refused.message],
      ['Failed', 'EvictionRefused', ['web-budget'], message],
    );
    // Only a target not yet acted on can be evicted: a running tool's target is not.
    assert.equal(advance(at('Running'), { type: 'Evicted', at: when }).phase, 'Running');
  });
});
