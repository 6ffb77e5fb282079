import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportRecord } from '../../api/index.ts';
import { retain } from './retention.ts';
import type { Candidate } from './trigger.ts';

const T0 = Date.parse('2026-11-22T03:00:00Z');
const min = 60_000;

const cand = (id: string, at: number, powerTools = [id]): Candidate => ({ id, kind: 'run', powerTools, finishedAt: T0 + at * min });
const rec = (id: string, at: number, powerTools = [id]): ReportRecord => ({
  id,
  powerTools,
  generatedAt: new Date(T0 + at * min + 1000).toISOString(),
  finishedAt: new Date(T0 + at * min).toISOString(),
  findings: 0,
});
const all = () => true;

describe('retain', () => {
  it('builds what is missing and leaves what exists alone', () => {
    const plan = retain({
      candidates: [cand('a', 1), cand('b', 2)],
      reports: [rec('a', 1)],
      present: all,
      maxReports: 10,
      now: T0 + 10 * min,
    });
    assert.deepEqual(
      plan.build.map((c) => c.id),
      ['b'],
    );
    assert.deepEqual(
      plan.keep.map((r) => r.id),
      ['a'],
    );
    assert.deepEqual(plan.remove, []);
  });

  it('keeps the newest maxReports and never builds a candidate it would prune at once', () => {
    const plan = retain({
      candidates: [cand('a', 1), cand('b', 2), cand('c', 3), cand('d', 4)],
      reports: [rec('b', 2), rec('c', 3)],
      present: all,
      maxReports: 2,
      now: T0 + 10 * min,
    });
    assert.deepEqual(
      plan.build.map((c) => c.id),
      ['d'],
    );
    assert.deepEqual(
      plan.keep.map((r) => r.id),
      ['c'],
    );
    assert.deepEqual(
      plan.remove.map((r) => r.id),
      ['b'],
    );
  });

  it('does not bring back a pruned report while newer ones hold its place', () => {
    // "a" was pruned earlier; its PowerTool still exists, so it is still a candidate.
    const plan = retain({
      candidates: [cand('a', 1), cand('b', 2), cand('c', 3)],
      reports: [rec('b', 2), rec('c', 3)],
      present: all,
      maxReports: 2,
      now: T0 + 10 * min,
    });
    assert.deepEqual(plan.build, []);
    assert.deepEqual(plan.remove, []);
  });

  it('keeps reports whose PowerTools are gone, until retention says otherwise', () => {
    const plan = retain({ candidates: [], reports: [rec('gone', 1)], present: all, maxReports: 5, now: T0 + 10 * min });
    assert.deepEqual(
      plan.keep.map((r) => r.id),
      ['gone'],
    );
  });

  it('deletes reports older than maxAge and does not build old runs', () => {
    const plan = retain({
      candidates: [cand('old', 1), cand('new', 50)],
      reports: [rec('older', 0)],
      present: all,
      maxReports: 10,
      maxAgeMs: 30 * min,
      now: T0 + 60 * min,
    });
    assert.deepEqual(
      plan.build.map((c) => c.id),
      ['new'],
    );
    assert.deepEqual(
      plan.remove.map((r) => r.id),
      ['older'],
    );
  });

  it('rebuilds a kept report whose file is missing, under the same id', () => {
    const plan = retain({
      candidates: [cand('a', 1)],
      reports: [rec('a', 1)],
      present: (id) => id !== 'a',
      maxReports: 10,
      now: T0 + 10 * min,
    });
    assert.deepEqual(
      plan.build.map((c) => c.id),
      ['a'],
    );
    assert.deepEqual(
      plan.keep.map((r) => r.id),
      ['a'],
    );
  });

  it('rebuilds a period report when a run of its period arrived late', () => {
    const plan = retain({
      candidates: [cand('p1', 5, ['x', 'y'])],
      reports: [rec('p1', 5, ['x'])],
      present: all,
      maxReports: 10,
      now: T0 + 10 * min,
    });
    assert.deepEqual(
      plan.build.map((c) => c.id),
      ['p1'],
    );
  });

  it('builds newest first', () => {
    const plan = retain({
      candidates: [cand('a', 1), cand('c', 3), cand('b', 2)],
      reports: [],
      present: all,
      maxReports: 10,
      now: T0 + 10 * min,
    });
    assert.deepEqual(
      plan.build.map((c) => c.id),
      ['c', 'b', 'a'],
    );
  });
});
