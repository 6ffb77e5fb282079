import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { steadyStateProbe, type SteadyStateStatus } from '../../../api/index.ts';
import { breachOf, dueProbes, nextCheckInMs, recordCheck, recoveryDone, verdictOf } from './evaluate.ts';

const probe = steadyStateProbe.parse({
  name: 'web',
  kind: 'http',
  interval: '2s',
  failureThreshold: 2,
  recoveryTimeout: '10s',
  http: { service: 'web' },
});
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const pass = { ok: true, value: 'HTTP 200 in 3ms' };
const fail = { ok: false, value: 'no answer within 2s' };

describe('recordCheck', () => {
  it('does not count a failure before the start as a breach', () => {
    const r = recordCheck(probe, undefined, fail, 'Before', at(0));
    assert.equal(r.lastResult, 'Fail');
    assert.equal(r.firstBreachAt, undefined);
    assert.equal(r.breachedAt, undefined);
  });
  it('breaches after failureThreshold failures in a row during the run, not before', () => {
    let r = recordCheck(probe, undefined, pass, 'During', at(0));
    r = recordCheck(probe, r, fail, 'During', at(2));
    assert.equal(r.breachedAt, undefined);
    assert.equal(r.firstBreachAt, at(2).toISOString());
    r = recordCheck(probe, r, fail, 'During', at(4));
    assert.equal(r.breachedAt, at(4).toISOString());
    assert.deepEqual([r.checks, r.failures, r.consecutiveFailures], [3, 2, 2]);
  });
  it('a pass in between resets the count: isolated failures never abort', () => {
    let r = recordCheck(probe, undefined, fail, 'During', at(0));
    r = recordCheck(probe, r, pass, 'During', at(2));
    r = recordCheck(probe, r, fail, 'During', at(4));
    assert.equal(r.breachedAt, undefined);
  });
  it('records the recovery after the run and the time since the first breach', () => {
    let r = recordCheck(probe, undefined, fail, 'During', at(0));
    r = recordCheck(probe, r, fail, 'After', at(5));
    r = recordCheck(probe, r, pass, 'After', at(9));
    assert.equal(r.recoveredAt, at(9).toISOString());
    assert.equal(r.recoverySeconds, 9);
  });
  it('keeps the first restart count as the baseline', () => {
    let r = recordCheck(probe, undefined, { ...pass, restarts: 4 }, 'During', at(0));
    r = recordCheck(probe, r, { ...fail, restarts: 5 }, 'During', at(2));
    assert.equal(r.baseline, 4);
  });
});

describe('scheduling', () => {
  const status = (s: number, stage: SteadyStateStatus['stage'] = 'During'): SteadyStateStatus => ({
    stage,
    probes: [recordCheck(probe, undefined, pass, 'During', at(s))],
  });
  it('checks every probe before the start, then each at its interval', () => {
    assert.equal(dueProbes([probe], status(0), 'Before', at(0)).length, 1);
    assert.equal(dueProbes([probe], status(0), 'During', at(1)).length, 0);
    assert.equal(dueProbes([probe], status(0), 'During', at(2)).length, 1);
    assert.equal(nextCheckInMs([probe], status(0), at(1)), 1000);
  });
  it('stops checking a probe once it recovered, and when done', () => {
    const recovered: SteadyStateStatus = { stage: 'After', probes: [{ ...status(0).probes[0]!, recoveredAt: at(0).toISOString() }] };
    assert.equal(dueProbes([probe], recovered, 'After', at(5)).length, 0);
    assert.equal(nextCheckInMs([probe], recovered, at(5)), undefined);
    assert.equal(dueProbes([probe], status(0, 'Done'), 'Done', at(5)).length, 0);
  });
  it('recovery is done when all recovered or the recoveryTimeout passed', () => {
    const s: SteadyStateStatus = { ...status(0, 'After'), runEndedAt: at(0).toISOString() };
    assert.equal(recoveryDone([probe], s, at(9)), false);
    assert.equal(recoveryDone([probe], s, at(10)), true);
  });
});

describe('verdictOf', () => {
  it('NotHeldBeforeStart names the failing probe', () => {
    const v = verdictOf([probe], { stage: 'Before', probes: [recordCheck(probe, undefined, fail, 'Before', at(0))] });
    assert.equal(v.status, 'False');
    assert.equal(v.reason, 'NotHeldBeforeStart');
    assert.match(v.message, /probe web saw no answer within 2s/);
  });
  it('Unknown while checking, False Breached once breached', () => {
    let r = recordCheck(probe, undefined, pass, 'During', at(0));
    assert.equal(verdictOf([probe], { stage: 'During', probes: [r] }).status, 'Unknown');
    r = recordCheck(probe, recordCheck(probe, r, fail, 'During', at(2)), fail, 'During', at(4));
    const s: SteadyStateStatus = { stage: 'During', probes: [r] };
    assert.equal(breachOf(s)?.name, 'web');
    assert.equal(verdictOf([probe], s).reason, 'Breached');
    const done = verdictOf([probe], { stage: 'Done', probes: [recordCheck(probe, r, pass, 'After', at(8))] });
    assert.deepEqual([done.status, done.reason], ['False', 'Breached']);
    assert.match(done.message, /recovered after 6s/);
  });
  it('True Held when nothing breached and all passed after the run; NotRecovered when one did not', () => {
    const r = recordCheck(probe, recordCheck(probe, undefined, fail, 'During', at(0)), pass, 'After', at(3));
    const held = verdictOf([probe], { stage: 'Done', probes: [r] });
    assert.deepEqual([held.status, held.reason], ['True', 'Held']);
    const stuck = verdictOf([probe], { stage: 'Done', probes: [recordCheck(probe, undefined, fail, 'After', at(3))] });
    assert.deepEqual([stuck.status, stuck.reason], ['False', 'NotRecovered']);
  });
});
