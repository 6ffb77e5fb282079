import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './queue.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('never reconciles one key twice at once, and runs it again when it changed meanwhile', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let runs = 0;
    const q = new WorkQueue(async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      runs += 1;
      await tick(20);
      inFlight -= 1;
    }, 4);
    q.add('a');
    await tick(5);
    q.add('a');
    q.add('a');
    await tick(80);
    await q.idle();
    assert.equal(maxInFlight, 1);
    assert.equal(runs, 2);
  });

  it('dedups keys that are waiting', async () => {
    const seen: string[] = [];
    const q = new WorkQueue(async (k) => {
      seen.push(k);
      await tick(10);
    }, 1);
    for (const k of ['busy', 'a', 'b', 'a', 'b', 'a']) q.add(k);
    await q.idle();
    assert.deepEqual(seen, ['busy', 'a', 'b']);
  });

  it('works on different keys in parallel, up to its concurrency', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const q = new WorkQueue(async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await tick(10);
      inFlight -= 1;
    }, 2);
    for (const k of ['a', 'b', 'c', 'd']) q.add(k);
    await q.idle();
    assert.equal(maxInFlight, 2);
  });

  it('backs off after a failure and honours requeueAfter', async () => {
    const times: number[] = [];
    const start = Date.now();
    const q = new WorkQueue(async () => {
      times.push(Date.now() - start);
      if (times.length === 1) throw new Error('boom');
      if (times.length === 2) return { requeueAfterMs: 50 };
      return undefined;
    });
    q.add('k');
    await tick(400);
    assert.equal(times.length, 3);
    assert.ok((times[1] as number) >= 150, `retry came after ${times[1]}ms, before the backoff`);
    assert.ok((times[2] as number) - (times[1] as number) >= 45, 'requeueAfter was not honoured');
    await q.shutdown();
  });
});
