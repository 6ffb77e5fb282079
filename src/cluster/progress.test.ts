import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { step, type Progress } from './progress.ts';

/** Progress that records what it was told, as a harness would. */
function recorder(): Progress & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    start: (t) => events.push(`start ${t}`),
    done: (t, ms) => events.push(`done ${t} ${ms >= 0 ? 'ms' : 'negative'}`),
    fail: (t) => events.push(`fail ${t}`),
    info: (l) => events.push(`info ${l}`),
    warn: (l) => events.push(`warn ${l}`),
  };
}

describe('step', () => {
  it('reports start then done, and passes the result on', async () => {
    const p = recorder();
    assert.equal(
      await step(p, 'etcd', async () => {
        p.info('listening');
        return 42;
      }),
      42,
    );
    assert.deepEqual(p.events, ['start etcd', 'info listening', 'done etcd ms']);
  });
  it('reports fail and rethrows the same error', async () => {
    const p = recorder();
    const boom = new Error('boom');
    await assert.rejects(
      step(p, 'kubelet', () => Promise.reject(boom)),
      (err) => err === boom,
    );
    assert.deepEqual(p.events, ['start kubelet', 'fail kubelet']);
  });
});
