import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TerminalError, WorkQueue, type Outcome } from './queue.ts';

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

  describe('given a reconcile that throws a TerminalError', () => {
    it('does not retry the key, and reports the outcome as terminal', async () => {
      let runs = 0;
      const outcomes: Outcome[] = [];
      const q = new WorkQueue(
        async () => {
          runs += 1;
          throw new TerminalError('spec.tool.name: no such tool');
        },
        1,
        { onResult: (_key, outcome) => outcomes.push(outcome) },
      );
      q.add('k');
      await q.idle();
      // Longer than the first backoff (200 ms), so an ordinary error would have run again by now.
      await tick(400);
      assert.equal(runs, 1);
      assert.deepEqual(outcomes, ['terminal']);
      await q.shutdown();
    });

    it('runs the key again when it is added again (its object changed)', async () => {
      let runs = 0;
      const q = new WorkQueue(async () => {
        runs += 1;
        if (runs === 1) throw new TerminalError('refused');
      });
      q.add('k');
      await q.idle();
      q.add('k');
      await q.idle();
      assert.equal(runs, 2);
      await q.shutdown();
    });

    it('forgets earlier failures, so the next ordinary error backs off from the start', async () => {
      let runs = 0;
      let terminal = false;
      const q = new WorkQueue(
        async () => {
          runs += 1;
          if (runs <= 3) throw new Error('flaky');
          if (runs === 4) throw new TerminalError('refused');
          if (runs === 5) throw new Error('flaky again');
        },
        1,
        { onResult: (_key, outcome) => (terminal ||= outcome === 'terminal') },
      );
      q.add('k');
      // The queue's timers do not hold the process open, so wait in ticks of our own.
      while (!terminal) await tick(20);
      q.add('k');
      // A fourth failure in a row would wait 1.6 s; the first waits 200 ms.
      await tick(1_000);
      assert.equal(runs, 6, 'the retry after the terminal error waited longer than the first backoff');
      await q.shutdown();
    });
  });

  it('keeps backing off an ordinary error', async () => {
    let runs = 0;
    const outcomes: Outcome[] = [];
    const q = new WorkQueue(
      async () => {
        runs += 1;
        throw new Error('apiserver unavailable');
      },
      1,
      { onResult: (_key, outcome) => outcomes.push(outcome) },
    );
    q.add('k');
    await tick(700);
    await q.shutdown();
    assert.ok(runs >= 2, `retried ${runs - 1} time(s)`);
    assert.ok(outcomes.every((o) => o === 'error'));
  });
});
