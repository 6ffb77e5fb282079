import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Limiter } from './limiter.ts';

describe('Limiter', () => {
  it('never lets more than its limit run, runs everything, and frees a slot when a task fails', async () => {
    const limiter = new Limiter(2);
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    const task = (i: number) =>
      limiter.run(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5 + (i % 3)));
        inFlight -= 1;
        if (i === 3) throw new Error('boom');
        done.push(i);
      });
    const results = await Promise.allSettled(Array.from({ length: 9 }, (_, i) => task(i)));
    assert.equal(peak, 2);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
    assert.deepEqual(done.sort(), [0, 1, 2, 4, 5, 6, 7, 8]);
    assert.equal(limiter.running, 0);
  });
});
