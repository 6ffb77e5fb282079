import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { TargetStatus } from '../../api/index.ts';
import { observeTarget, parseResult } from './observe.ts';

const prev: TargetStatus = { pod: 'web-1', podUID: 'u1', container: 'app', ephemeralContainer: 'toe-signal-1234abcd', phase: 'Running' };

function podWith(terminated: { exitCode: number; message?: string } | undefined, extra: Partial<V1Pod['status']> = {}): V1Pod {
  return {
    metadata: { name: 'web-1', uid: 'u1' },
    spec: { containers: [{ name: 'app' }], ephemeralContainers: [{ name: 'toe-signal-1234abcd' }] },
    status: {
      ephemeralContainerStatuses: terminated
        ? [{ name: 'toe-signal-1234abcd', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated } }]
        : [],
      ...extra,
    },
  };
}

describe('observeTarget', () => {
  it('succeeds on exit 0 and keeps the result and artifacts', () => {
    const t = observeTarget(
      prev,
      podWith({
        exitCode: 0,
        message: JSON.stringify({ exitReason: 'Completed', artifacts: [{ name: 'perf.script', bytes: 5, partial: false }] }),
      }),
    );
    assert.equal(t.phase, 'Succeeded');
    assert.deepEqual(t.artifacts, [{ name: 'perf.script', bytes: 5, partial: false }]);
  });

  it('counts a tool killed with its target after publishing a finished result as succeeded', () => {
    const t = observeTarget(prev, podWith({ exitCode: 137, message: JSON.stringify({ exitReason: 'Completed', delivered: true }) }));
    assert.equal(t.phase, 'Succeeded');
    assert.equal(t.exitCode, 137);
  });

  it('fails on a non-zero exit without a finished result, or with a refusal', () => {
    assert.equal(observeTarget(prev, podWith({ exitCode: 137 })).phase, 'Failed');
    const refused = observeTarget(
      prev,
      podWith({ exitCode: 2, message: JSON.stringify({ exitReason: 'SignalNotDeliverable', message: 'PID 1 has no handler' }) }),
    );
    assert.equal(refused.phase, 'Failed');
    assert.equal(refused.reason, 'SignalNotDeliverable');
  });

  it('marks a target whose pod is gone or replaced as Gone', () => {
    assert.equal(observeTarget(prev, undefined).phase, 'Gone');
    assert.equal(observeTarget(prev, { ...podWith(undefined), metadata: { name: 'web-1', uid: 'other' } }).phase, 'Gone');
  });

  it('keeps an injected target when a stale cache does not show its container yet', () => {
    const injected = { ...prev, phase: 'Injected' as const };
    const stale: V1Pod = { metadata: { name: 'web-1', uid: 'u1' }, spec: { containers: [{ name: 'app' }] } };
    assert.equal(observeTarget(injected, stale), injected);
  });

  it('reads the result from the TOE-RESULT line when the log fallback filled the message', () => {
    assert.deepEqual(parseResult('noise\nTOE-RESULT {"tool":"cpu","partial":true}\n'), { tool: 'cpu', partial: true });
    assert.equal(parseResult('not json'), undefined);
  });
});
