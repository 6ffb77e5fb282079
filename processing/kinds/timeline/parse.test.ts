import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { describe, it } from 'node:test';
import type { PowerToolStatus } from '../../../src/api/powertool.ts';
import { addProfilerRun, buildFaultTimeline, expectedCpuMillicores } from './parse.ts';

// fixtures/samples.jsonl was measured on this host by fixtures/fault.py: 2 workers at 50% and 50 MiB held,
// in a cgroup, from 03:32:23.30 to 03:32:33.26, sampled once a second from 5 s before to 10 s after.
const samples = (): NodeJS.ReadableStream => createReadStream(new URL('../../fixtures/samples.jsonl', import.meta.url));
const status: PowerToolStatus = {
  phase: 'Succeeded',
  startedAt: '2026-11-22T03:32:20Z',
  finishedAt: '2026-11-22T03:32:40Z',
  targets: [
    {
      pod: 'web-1',
      container: 'app',
      ephemeralContainer: 'toe-cpu-0123abcd',
      phase: 'Succeeded',
      startedAt: '2026-11-22T03:32:23.296958Z',
      finishedAt: '2026-11-22T03:32:33.260337Z',
      result: { tool: 'cpu', effect: { workers: 2, load: 50 } },
    },
  ],
};

describe('buildFaultTimeline', () => {
  it("puts the steady-state probes' first failure, the abort and the recovery on the axis, the range stretched to them", async () => {
    const probe = { name: 'checkout', checks: 9, failures: 2, consecutiveFailures: 0 };
    const t = await buildFaultTimeline({
      tool: 'cpu',
      status: {
        ...status,
        steadyState: {
          stage: 'Done',
          probes: [
            {
              ...probe,
              firstBreachAt: '2026-11-22T03:32:30Z',
              breachedAt: '2026-11-22T03:32:32Z',
              recoveredAt: '2026-11-22T03:32:50Z',
              recoverySeconds: 20,
            },
            { ...probe, name: 'replicas', failures: 0 },
          ],
        },
      },
      pod: 'web-1',
      samples: samples(),
    });
    const marks = t.events.filter((e) => e.detail?.startsWith('probe ')).map((e) => [new Date(e.t).toISOString(), e.kind, e.severity]);
    assert.deepEqual(marks, [
      ['2026-11-22T03:32:30.000Z', 'ProbeFailed', 'warning'],
      ['2026-11-22T03:32:32.000Z', 'SteadyStateBreached', 'critical'],
      ['2026-11-22T03:32:50.000Z', 'ProbeRecovered', 'info'],
    ]);
    assert.ok(t.range.end >= Date.parse('2026-11-22T03:32:50Z'), 'the recovery is inside the chart');
  });

  it('measures a real cpu + memory fault against what was requested, and the time to recover', async () => {
    const t = await buildFaultTimeline({
      tool: 'cpu',
      status,
      pod: 'web-1',
      samples: samples(),
      requested: { cpuMillicores: expectedCpuMillicores(2, 50), memoryBytes: 50 * 2 ** 20 },
      podFacts: [
        {
          pod: 'web-1',
          restarts: [{ at: '2026-11-22T03:32:30Z', container: 'sidecar', reason: 'Error', exitCode: 137 }],
          readiness: [{ at: '2026-11-22T03:32:29Z', ready: false }],
        },
      ],
    });
    assert.equal(t.samples, 26);
    assert.equal(t.window.start, Date.parse('2026-11-22T03:32:23.296958Z'));
    const cpu = t.effects.find((e) => e.metric === 'cpuMillicores');
    assert.equal(cpu?.baseline, 0);
    assert.equal(cpu?.requested, 1000);
    assert.equal(cpu?.expected, 1000);
    assert.equal(cpu?.peak, 479);
    assert.ok(cpu?.during !== undefined && cpu.during > 200 && cpu.during < 300, `cpu during ${cpu?.during}`);
    assert.ok(cpu?.achieved !== undefined && Math.abs(cpu.achieved - cpu.during / 1000) < 1e-9);
    assert.deepEqual(cpu?.recovery, { recovered: true, tolerance: 50, at: Date.parse('2026-11-22T03:32:34.142528Z'), seconds: 0.882 });
    const mem = t.effects.find((e) => e.metric === 'memoryBytes');
    assert.equal(mem?.peak, 52690944);
    assert.equal(mem?.recovery?.at, Date.parse('2026-11-22T03:32:34.142528Z'));
    assert.deepEqual(
      t.events.map((e) => e.kind),
      ['FaultStarted', 'NotReady', 'Restart', 'FaultEnded'],
    );
    assert.equal(t.events[2]?.detail, 'sidecar Error exit 137');
    assert.deepEqual(t.reportedEffect, { workers: 2, load: 50 });
    assert.equal(t.series.cpuMillicores?.length, 26);
    assert.equal(t.series.volumeUsedBytes, undefined);
  });

  it('says when nothing recovered, measures a fill level, and skips bad or out-of-order lines', async () => {
    const line = (s: number, used: number): string =>
      JSON.stringify({ t: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString(), volumeUsedBytes: used, volumeTotalBytes: 1000 * 2 ** 20 });
    const text = [
      line(0, 100 * 2 ** 20),
      line(1, 100 * 2 ** 20),
      '{not json',
      '<script>',
      line(0, 5),
      line(2, 800 * 2 ** 20),
      line(3, 800 * 2 ** 20),
      line(4, 700 * 2 ** 20),
      '{"t":"x","volumeUsedBytes":1}',
    ].join('\n');
    const t = await buildFaultTimeline({
      tool: 'fill-volume',
      status,
      samples: [text],
      requested: { volumeFillPercent: 80 },
      window: { start: '2026-01-01T00:00:02Z', end: '2026-01-01T00:00:03Z' },
    });
    const vol = t.effects[0];
    assert.equal(vol?.metric, 'volumeUsedBytes');
    assert.equal(vol?.expected, 800 * 2 ** 20);
    assert.equal(vol?.achieved, 1);
    assert.equal(vol?.recovery?.recovered, false);
    assert.equal(t.invalidLines, 3);
    assert.equal(t.outOfOrder, 1);
  });

  it('keeps a long run drawable in bounded points', async () => {
    function* many(): Generator<string> {
      for (let s = 0; s < 20_000; s++)
        yield `${JSON.stringify({ t: new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString(), cpuMillicores: s % 100 })}\n`;
    }
    const t = await buildFaultTimeline({
      tool: 'cpu',
      status,
      samples: many(),
      window: { start: '2026-01-01T01:00:00Z', end: '2026-01-01T02:00:00Z' },
      maxPoints: 500,
    });
    assert.equal(t.samples, 20_000);
    assert.ok((t.series.cpuMillicores?.length ?? 0) < 1000);
  });

  it('names the field when the window cannot be known', async () => {
    await assert.rejects(buildFaultTimeline({ tool: 'cpu', status: {}, samples: [''] }), /status.startedAt: missing an RFC 3339 time/);
    await assert.rejects(
      buildFaultTimeline({ tool: 'cpu', status, samples: [''], window: { start: 'yesterday', end: 'x' } }),
      /window.start: "yesterday" is not an RFC 3339 time/,
    );
  });
});

describe('addProfilerRun', () => {
  it('puts a profiler run that overlapped the fault on the same time axis', async () => {
    const fault = await buildFaultTimeline({ tool: 'cpu', status, pod: 'web-1', samples: samples() });
    const both = addProfilerRun(fault, {
      tool: 'perf',
      startedAt: '2026-11-22T03:32:25Z',
      finishedAt: '2026-11-22T03:32:45Z',
      samplesPerSecond: [
        { t: 640, samples: 99 },
        { t: 641, samples: 98 },
      ],
    });
    assert.deepEqual(both.series.profilerSamples, [
      { t: Date.parse('2026-11-22T03:32:25Z'), v: 99 },
      { t: Date.parse('2026-11-22T03:32:26Z'), v: 98 },
    ]);
    assert.equal(both.range.end, Date.parse('2026-11-22T03:32:45Z'));
    assert.deepEqual(
      both.overlays.map((o) => o.label),
      ['cpu fault', 'perf profile'],
    );
    assert.ok(both.events.some((e) => e.kind === 'ProfilerStarted'));
  });
});
