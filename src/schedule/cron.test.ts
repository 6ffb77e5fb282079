import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nextFiring, parseCron, prevFiring } from './cron.ts';

const at = (iso: string) => new Date(iso);
const next = (expr: string, from: string) => nextFiring(parseCron(expr), at(from))?.toISOString();
const prev = (expr: string, from: string) => prevFiring(parseCron(expr), at(from))?.toISOString();

describe('cron', () => {
  it('fires at the next matching minute, strictly after the given time', () => {
    assert.equal(next('*/15 * * * *', '2026-11-22T03:07:30Z'), '2026-11-22T03:15:00.000Z');
    assert.equal(next('*/15 * * * *', '2026-11-22T03:15:00Z'), '2026-11-22T03:30:00.000Z');
    assert.equal(next('0 3 * * *', '2026-11-22T03:00:00Z'), '2026-11-23T03:00:00.000Z');
    assert.equal(next('30 2 1 * *', '2026-12-15T00:00:00Z'), '2027-01-01T02:30:00.000Z');
  });

  it('finds the last firing at or before the given time', () => {
    assert.equal(prev('*/15 * * * *', '2026-11-22T03:15:00Z'), '2026-11-22T03:15:00.000Z');
    assert.equal(prev('*/15 * * * *', '2026-11-22T03:14:59Z'), '2026-11-22T03:00:00.000Z');
    assert.equal(prev('0 3 * * *', '2026-11-22T02:59:00Z'), '2026-11-21T03:00:00.000Z');
    assert.equal(prev('0 0 1 jan *', '2026-11-22T00:00:00Z'), '2026-01-01T00:00:00.000Z');
  });

  it('reads names, ranges, steps from a start, and 7 as Sunday', () => {
    // 2026-11-22 is a Sunday.
    assert.equal(next('0 9 * * mon-fri', '2026-11-21T10:00:00Z'), '2026-11-23T09:00:00.000Z');
    assert.equal(next('0 9 * * 7', '2026-11-21T10:00:00Z'), '2026-11-22T09:00:00.000Z');
    assert.equal(next('5/20 * * * *', '2026-11-22T03:26:00Z'), '2026-11-22T03:45:00.000Z');
    assert.equal(next('0 0 * feb,mar *', '2026-11-22T00:00:00Z'), '2027-02-01T00:00:00.000Z');
  });

  it('matches either day field when both are restricted, as crontab(5) says', () => {
    // The 1st of the month or any Monday: Monday 23 November comes first.
    assert.equal(next('0 0 1 * mon', '2026-11-22T00:00:00Z'), '2026-11-23T00:00:00.000Z');
    assert.equal(next('0 0 1 * mon', '2026-11-30T00:00:00Z'), '2026-12-01T00:00:00.000Z');
  });

  it('ends the search for an expression that never fires', () => {
    assert.equal(next('0 0 30 2 *', '2026-01-01T00:00:00Z'), undefined);
    assert.equal(prev('0 0 31 4 *', '2026-01-01T00:00:00Z'), undefined);
  });

  it('refuses bad expressions, naming the field', () => {
    assert.throws(() => parseCron('* * * *'), /5 fields/);
    assert.throws(() => parseCron('60 * * * *'), /minute: 60 is outside 0-59/);
    assert.throws(() => parseCron('* 24 * * *'), /hour: 24/);
    assert.throws(() => parseCron('* * 0 * *'), /day of month: 0/);
    assert.throws(() => parseCron('* * * foo *'), /month: "foo" is not a number or a name/);
    assert.throws(() => parseCron('*/0 * * * *'), /minute: step/);
    assert.throws(() => parseCron('5-1 * * * *'), /runs backwards/);
    assert.throws(() => parseCron('1/2/3 * * * *'), /minute/);
    assert.throws(() => parseCron(', * * * *'), /minute/);
  });

  it('brackets every time between the previous and the next firing', () => {
    const exprs = ['*/7 * * * *', '0 */5 * * *', '15 3 * * 1-5', '0 0 1,15 * *', '30 12 * jun-aug sun'];
    fc.assert(
      fc.property(fc.constantFrom(...exprs), fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), (expr, ms) => {
        const c = parseCron(expr);
        const t = new Date(ms);
        const p = prevFiring(c, t) as Date;
        const n = nextFiring(c, t) as Date;
        assert.ok(p.getTime() <= t.getTime() && t.getTime() < n.getTime());
        // Nothing fires in between, seen from either end.
        assert.equal(nextFiring(c, p)?.getTime(), n.getTime());
        assert.equal(prevFiring(c, new Date(n.getTime() - 1))?.getTime(), p.getTime());
      }),
      { numRuns: 300 },
    );
  });
});
