import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { sleep } from './leader.ts';

describe('leader election sleep', () => {
  it('leaves no abort listener behind when it runs to the end (a leader sleeps every retry period)', async () => {
    const abort = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, abort.signal);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
  });

  it('ends early when the signal aborts, and when it was aborted already', async () => {
    const abort = new AbortController();
    const t0 = Date.now();
    const waiting = sleep(60_000, abort.signal);
    setTimeout(() => abort.abort(), 20);
    await waiting;
    await sleep(60_000, abort.signal);
    assert.ok(Date.now() - t0 < 5_000, 'it waited out the timer');
  });
});
