import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCron } from '../../schedule/cron.ts';
import { MAX_MISSED, missedSlots, plan, prune, runName, type PlanInput, type Run } from './plan.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const everyMinute = parseCron('* * * * *');
const input = (over: Partial<PlanInput>): PlanInput => ({
  cron: everyMinute,
  since: T0,
  concurrencyPolicy: 'Allow',
  suspend: false,
  runs: [],
  now: T0 + 30_000,
  ...over,
});
const run = (slot: number, over: Partial<Run> = {}): Run => ({ name: runName('s', slot), uid: `u${slot}`, slot, deleting: false, ...over });

describe('missedSlots', () => {
  it('counts the slots after the earliest time up to now and names the most recent', () => {
    assert.deepEqual(missedSlots(everyMinute, T0, T0 + 3 * MIN + 5_000), { count: 3, latest: T0 + 3 * MIN });
  });
  it('finds none before the first slot', () => {
    assert.deepEqual(missedSlots(everyMinute, T0, T0 + 59_000), { count: 0 });
  });
  it('stops counting past the limit but still names the most recent slot', () => {
    const r = missedSlots(everyMinute, T0, T0 + 500 * MIN);
    assert.equal(r.count, MAX_MISSED + 1);
    assert.equal(r.latest, T0 + 500 * MIN);
  });
});

describe('plan', () => {
  it('waits for the first slot, and says when it comes', () => {
    assert.deepEqual(plan(input({})), { action: 'none', next: T0 + MIN });
  });
  it('starts the slot that has come', () => {
    const p = plan(input({ now: T0 + MIN + 1_000 }));
    assert.equal(p.action, 'start');
    assert.equal(p.action === 'start' && p.slot, T0 + MIN);
  });
  it('after an outage starts only the most recent missed slot, once', () => {
    const p = plan(input({ now: T0 + 3 * MIN + 1_000 }));
    assert.deepEqual(p, { action: 'start', slot: T0 + 3 * MIN, replace: [], next: T0 + 4 * MIN, tooMany: undefined });
    assert.equal(plan(input({ now: T0 + 3 * MIN + 1_000, runs: [run(T0 + 3 * MIN)] })).action, 'none');
  });
  it('reports more than 100 missed slots and still starts just one', () => {
    const p = plan(input({ now: T0 + 200 * MIN + 1_000 }));
    assert.equal(p.action, 'start');
    assert.equal(p.action === 'start' && p.tooMany, MAX_MISSED + 1);
  });
  it('skips a slot later than startingDeadlineSeconds', () => {
    // The slot at +3m is 50 s old: past a 30 s deadline, within a 60 s one.
    assert.equal(plan(input({ now: T0 + 3 * MIN + 50_000, startingDeadlineSeconds: 30 })).action, 'none');
    assert.equal(plan(input({ now: T0 + 3 * MIN + 50_000, startingDeadlineSeconds: 60 })).action, 'start');
  });
  it('starts nothing while suspended', () => {
    assert.equal(plan(input({ now: T0 + 5 * MIN, suspend: true })).action, 'none');
  });
  it('Forbid skips while a run is active, and starts once it finished', () => {
    const active = run(T0, { phase: 'Running' });
    const p = plan(input({ now: T0 + MIN + 1, concurrencyPolicy: 'Forbid', runs: [active] }));
    assert.equal(p.action, 'forbid');
    const done = run(T0, { phase: 'Succeeded', finishedAt: T0 + 40_000 });
    assert.equal(plan(input({ now: T0 + MIN + 1, concurrencyPolicy: 'Forbid', runs: [done] })).action, 'start');
  });
  it('Replace names the active runs to delete (not those already deleting); Allow none', () => {
    const runs = [run(T0 - MIN, { phase: 'Running' }), run(T0, { phase: 'Pending', deleting: true })];
    const p = plan(input({ now: T0 + MIN + 1, concurrencyPolicy: 'Replace', runs }));
    assert.deepEqual(p.action === 'start' && p.replace.map((r) => r.name), [runName('s', T0 - MIN)]);
    const allow = plan(input({ now: T0 + MIN + 1, runs }));
    assert.deepEqual(allow.action === 'start' && allow.replace, []);
  });
});

describe('prune', () => {
  it('keeps the newest finished runs per outcome and never an active one', () => {
    const ok = [1, 2, 3, 4, 5].map((i) => run(T0 + i * MIN, { phase: 'Succeeded' }));
    const bad = [6, 7].map((i) => run(T0 + i * MIN, { phase: 'Failed' }));
    const active = run(T0 + 8 * MIN, { phase: 'Running' });
    const out = prune([...ok, ...bad, active], 3, 1).map((r) => r.slot);
    assert.deepEqual(out, [T0 + 2 * MIN, T0 + MIN, T0 + 6 * MIN]);
  });
});

describe('runName', () => {
  it('is the schedule and the slot in unix minutes', () => {
    assert.equal(runName('nightly', T0), `nightly-${T0 / MIN}`);
  });
});
