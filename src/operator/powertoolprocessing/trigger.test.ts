import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PowerTool } from '../../api/index.ts';
import {
  candidates,
  covers,
  finishedRuns,
  parseSchedule,
  periodOf,
  periodReportId,
  runReportId,
  PERIOD_GRACE_MS,
  type Schedule,
} from './trigger.ts';

const T0 = Date.parse('2026-11-22T03:00:00Z');

function pt(
  name: string,
  opts: {
    tool?: string;
    labels?: Record<string, string>;
    finishedAt?: string;
    phase?: string;
    targets?: number;
    namespace?: string;
    uid?: string;
  } = {},
): PowerTool & { metadata: { name: string; uid: string } } {
  return {
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name, namespace: opts.namespace ?? 'shop', uid: opts.uid ?? `uid-${name}`, labels: opts.labels },
    spec: {
      targets: { selector: {}, maxTargets: 10 },
      tool: { name: opts.tool ?? 'perf', args: [] },
      output: { mode: 'logs' },
      dryRun: false,
      suspend: false,
    },
    status: {
      ...(opts.phase ? { phase: opts.phase as 'Succeeded' } : {}),
      ...(opts.finishedAt ? { finishedAt: opts.finishedAt } : {}),
      targets: Array.from({ length: opts.targets ?? 1 }, (_, i) => ({
        pod: `web-${i}`,
        container: 'app',
        ephemeralContainer: 'toe-perf-0',
        phase: 'Succeeded' as const,
      })),
    },
  } as PowerTool & { metadata: { name: string; uid: string } };
}

const schedule = (s: { interval?: string; cron?: string }): Schedule => {
  const parsed = parseSchedule(s);
  assert.ok(parsed && !('error' in parsed), JSON.stringify(parsed));
  return parsed;
};

describe('covers', () => {
  it('ANDs name, selector and tool, in the same namespace only', () => {
    const web = pt('web-cpu', { tool: 'perf', labels: { team: 'a' } });
    assert.equal(covers({ tool: 'perf' }, 'shop', web), true);
    assert.equal(covers({ tool: 'perf', powerTool: 'web-cpu' }, 'shop', web), true);
    assert.equal(covers({ tool: 'perf', powerTool: 'other' }, 'shop', web), false);
    assert.equal(covers({ tool: 'strace', selector: { matchLabels: { team: 'a' } } }, 'shop', web), false);
    assert.equal(covers({ selector: { matchLabels: { team: 'a' } } }, 'shop', web), true);
    assert.equal(covers({ selector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] } }, 'shop', web), false);
    assert.equal(covers({ tool: 'perf' }, 'other-ns', web), false);
  });

  it('covers nothing when the source names nothing (an empty selector is not "everything" here)', () => {
    assert.equal(covers({}, 'shop', pt('x')), false);
  });
});

describe('finishedRuns', () => {
  it('keeps covered runs that finished with targets; skips running, dry and target-less runs', () => {
    const runs = finishedRuns({ tool: 'perf' }, 'shop', [
      pt('done', { finishedAt: '2026-11-22T03:00:05Z', phase: 'Succeeded' }),
      pt('failed', { finishedAt: '2026-11-22T03:00:06Z', phase: 'Failed' }),
      pt('running'),
      pt('dry', { finishedAt: '2026-11-22T03:00:05Z', phase: 'DryRun' }),
      pt('conflicted', { finishedAt: '2026-11-22T03:00:05Z', phase: 'Conflicted', targets: 0 }),
      pt('strace', { tool: 'strace', finishedAt: '2026-11-22T03:00:05Z' }),
    ]);
    assert.deepEqual(
      runs.map((r) => r.name),
      ['done', 'failed'],
    );
  });
});

describe('report ids', () => {
  it('derive from the PowerTool UID, so a run maps to one id whatever else changes', () => {
    assert.equal(runReportId('web-cpu', 'u-1'), runReportId('web-cpu', 'u-1'));
    assert.notEqual(runReportId('web-cpu', 'u-1'), runReportId('web-cpu', 'u-2'));
    assert.match(runReportId('web-cpu', 'u-1'), /^web-cpu-[0-9a-f]{10}$/);
    assert.match(runReportId(`${'a'.repeat(39)}-${'b'.repeat(200)}`, 'u'), /^a{39}-[0-9a-f]{10}$/);
  });

  it('derive from the period start for schedules', () => {
    assert.equal(periodReportId(T0), 'period-20261122T030000Z');
  });
});

describe('parseSchedule', () => {
  it('names the field and what it allows', () => {
    assert.match((parseSchedule({ interval: '1s' }) as { error: string }).error, /interval: must be a duration of at least 5s/);
    assert.match((parseSchedule({ cron: '61 * * * *' }) as { error: string }).error, /cron: minute: 61/);
    assert.match((parseSchedule({ cron: '0 0 30 2 *' }) as { error: string }).error, /never fires/);
    assert.equal(parseSchedule(undefined), undefined);
  });
});

describe('periods', () => {
  it('aligns interval periods to the epoch and cron periods to firings', () => {
    assert.deepEqual(periodOf(schedule({ interval: '1h' }), T0 + 90 * 60_000), { start: T0 + 3_600_000, end: T0 + 7_200_000 });
    assert.deepEqual(periodOf(schedule({ cron: '0 */6 * * *' }), T0 + 60_000), {
      start: Date.parse('2026-11-22T00:00:00Z'),
      end: Date.parse('2026-11-22T06:00:00Z'),
    });
  });
});

describe('candidates', () => {
  const runs = [
    { name: 'a', uid: 'ua', finishedAt: T0 + 10_000 },
    { name: 'b', uid: 'ub', finishedAt: T0 + 50_000 },
    { name: 'c', uid: 'uc', finishedAt: T0 + 70_000 },
  ];

  it('on completion: one candidate per finished run', () => {
    const due = candidates({ onCompletion: true }, runs, T0 + 80_000);
    assert.deepEqual(
      due.candidates.map((c) => [c.id, c.kind, c.powerTools]),
      runs.map((r) => [runReportId(r.name, r.uid), 'run', [r.name]]),
    );
    assert.equal(due.nextRunAt, undefined);
  });

  it('on a schedule: one candidate per ended period holding runs, the open period waits for its end plus the grace', () => {
    const s = schedule({ interval: '1m' });
    const at = T0 + 60_000 + PERIOD_GRACE_MS + 1;
    const due = candidates({ onCompletion: false, schedule: s }, runs, at);
    assert.deepEqual(due.candidates, [
      { id: periodReportId(T0), kind: 'period', powerTools: ['a', 'b'], finishedAt: T0 + 60_000, period: { start: T0, end: T0 + 60_000 } },
    ]);
    assert.equal(due.nextRunAt, T0 + 120_000);
    assert.equal(due.wakeAt, T0 + 120_000 + PERIOD_GRACE_MS);
    // Inside the grace the period is not due yet; the wake-up lands right after it.
    const early = candidates({ onCompletion: false, schedule: s }, runs, T0 + 60_000 + 1);
    assert.deepEqual(early.candidates, []);
    assert.equal(early.wakeAt, T0 + 60_000 + PERIOD_GRACE_MS);
  });

  it('gives the same ids however often it runs', () => {
    const s = schedule({ cron: '*/1 * * * *' });
    const first = candidates({ onCompletion: true, schedule: s }, runs, T0 + 600_000);
    const again = candidates({ onCompletion: true, schedule: s }, [...runs].reverse(), T0 + 900_000);
    assert.deepEqual(new Set(again.candidates.map((c) => c.id)), new Set(first.candidates.map((c) => c.id)));
  });
});
