/**
 * A fault run as a timeline: the fault window, the target's CPU / memory / volume series from `samples.jsonl`
 * (streamed, downsampled), the pod's restarts, readiness changes and OOM kills, the effect measured against the
 * effect requested, and the time to recover. A profiler that ran meanwhile joins the same time axis
 * (`addProfilerRun`).
 *
 * Baseline = mean of the samples before the window. Recovered = the first sample after the window within
 * tolerance of the baseline: 10% of the baseline, but never tighter than 5% of the requested change or a small
 * absolute floor, since an idle baseline (2m of CPU) would otherwise need an exact return to be "recovered".
 */
import type { PowerToolStatus } from '../../../src/api/powertool.ts';
import { forEachLine, type ByteSource } from '../../lines.ts';
import { Downsampler, Stats, type Point } from '../../series.ts';
import { steadyStateEvents } from './steady-state.ts';

export const metrics = ['cpuMillicores', 'memoryBytes', 'volumeUsedBytes'] as const;
export type Metric = (typeof metrics)[number];

/** The change the fault asked for; volumeFillPercent is a level (used / total), the others are increases. */
export interface RequestedEffect {
  cpuMillicores?: number;
  memoryBytes?: number;
  volumeBytes?: number;
  volumeFillPercent?: number;
}

/** `cpu` with N workers at P% load asks for N × P × 10 millicores (2 CPUs at 50% → 1000m). */
export function expectedCpuMillicores(workers: number, loadPercent: number): number {
  return workers * loadPercent * 10;
}

export interface PodFacts {
  pod: string;
  restarts?: { at: string; container: string; reason?: string; exitCode?: number }[];
  readiness?: { at: string; ready: boolean }[];
  oomKills?: { at: string; container: string }[];
  /** Kubernetes Events or anything else worth a mark on the axis. */
  events?: { at: string; reason: string; message?: string; type?: 'Normal' | 'Warning' }[];
}

export interface TimelineEvent {
  t: number;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  pod?: string;
  detail?: string;
}

export interface Recovery {
  recovered: boolean;
  tolerance: number;
  at?: number;
  seconds?: number;
}

export interface EffectMeasure {
  metric: Metric;
  baseline?: number;
  during?: number;
  peak?: number;
  requested?: number;
  expected?: number;
  /** (during − baseline) / requested; for a fill level, during / expected. */
  achieved?: number;
  recovery?: Recovery;
}

export interface Overlay {
  label: string;
  start: number;
  end: number;
}

export interface Timeline {
  tool: string;
  pod?: string;
  window: { start: number; end: number };
  range: { start: number; end: number };
  series: Partial<Record<Metric | 'profilerSamples', Point[]>>;
  events: TimelineEvent[];
  effects: EffectMeasure[];
  reportedEffect?: Record<string, unknown>;
  overlays: Overlay[];
  samples: number;
  invalidLines: number;
  outOfOrder: number;
}

export interface FaultInput {
  tool: string;
  /** The PowerTool's status; the window comes from the target's record (`pod`), else from the run. */
  status: PowerToolStatus;
  pod?: string;
  samples: ByteSource;
  requested?: RequestedEffect;
  podFacts?: PodFacts[];
  /** Overrides the window, e.g. when the tool sampled a baseline before applying its fault. */
  window?: { start: string; end: string };
  maxPoints?: number;
}

const FLOOR: Record<Metric, number> = { cpuMillicores: 10, memoryBytes: 1 << 20, volumeUsedBytes: 1 << 20 };

function time(text: string | undefined, field: string): number {
  const t = text === undefined ? Number.NaN : Date.parse(text);
  if (!Number.isFinite(t)) throw new Error(`${field}: ${text === undefined ? 'missing' : `"${text}" is not`} an RFC 3339 time`);
  return t;
}

export async function buildFaultTimeline(input: FaultInput): Promise<Timeline> {
  const target = input.pod === undefined ? undefined : input.status.targets?.find((t) => t.pod === input.pod);
  const start = time(
    input.window?.start ?? target?.startedAt ?? input.status.startedAt,
    input.window ? 'window.start' : 'status.startedAt',
  );
  const endText = input.window?.end ?? target?.finishedAt ?? input.status.finishedAt;
  let end = endText === undefined ? Number.NaN : time(endText, input.window ? 'window.end' : 'status.finishedAt');
  const series = Object.fromEntries(metrics.map((m) => [m, new Downsampler(input.maxPoints)])) as Record<Metric, Downsampler>;
  const seen = new Set<Metric>();
  const before = Object.fromEntries(metrics.map((m) => [m, new Stats()])) as Record<Metric, Stats>;
  const during = Object.fromEntries(metrics.map((m) => [m, new Stats()])) as Record<Metric, Stats>;
  const recoveredAt: Partial<Record<Metric, number>> = {};
  const tolerance = (m: Metric): number =>
    Math.max(0.1 * Math.abs(before[m].mean ?? 0), 0.05 * Math.abs(requestedChange(input.requested, m) ?? 0), FLOOR[m]);
  let volumeTotal: number | undefined;
  let first: number | undefined;
  let last: number | undefined;
  let samples = 0;
  let invalidLines = 0;
  let outOfOrder = 0;
  await forEachLine(
    input.samples,
    (line) => {
      if (line.trim() === '') return;
      const sample = parseSample(line);
      if (!sample) return void (invalidLines += 1);
      if (last !== undefined && sample.t < last) return void (outOfOrder += 1);
      first ??= sample.t;
      last = sample.t;
      samples += 1;
      if (sample.volumeTotalBytes !== undefined) volumeTotal = sample.volumeTotalBytes;
      for (const m of metrics) {
        const v = sample[m];
        if (v === undefined) continue;
        seen.add(m);
        series[m].push(sample.t, v);
        if (sample.t < start) before[m].add(v);
        else if (Number.isNaN(end) || sample.t <= end) during[m].add(v);
        else if (recoveredAt[m] === undefined && before[m].count > 0 && Math.abs(v - (before[m].mean as number)) <= tolerance(m))
          recoveredAt[m] = sample.t;
      }
    },
    64 * 1024,
  );
  if (Number.isNaN(end)) end = last ?? start;
  const effects = [...seen].map((m): EffectMeasure => {
    const baseline = before[m].mean;
    const mean = during[m].mean;
    const requested = requestedChange(input.requested, m);
    const fill = m === 'volumeUsedBytes' && input.requested?.volumeFillPercent !== undefined && volumeTotal !== undefined;
    const expected = fill
      ? ((input.requested?.volumeFillPercent as number) / 100) * (volumeTotal as number)
      : requested !== undefined && baseline !== undefined
        ? baseline + requested
        : undefined;
    const achieved =
      fill && mean !== undefined && expected
        ? mean / expected
        : requested && mean !== undefined && baseline !== undefined
          ? (mean - baseline) / requested
          : undefined;
    const at = recoveredAt[m];
    return {
      metric: m,
      ...(baseline !== undefined ? { baseline } : {}),
      ...(mean !== undefined ? { during: mean, peak: during[m].max } : {}),
      ...(requested !== undefined ? { requested } : {}),
      ...(expected !== undefined ? { expected } : {}),
      ...(achieved !== undefined ? { achieved } : {}),
      ...(baseline !== undefined
        ? {
            recovery: {
              recovered: at !== undefined,
              tolerance: tolerance(m),
              ...(at !== undefined ? { at, seconds: Math.max(0, (at - end) / 1000) } : {}),
            },
          }
        : {}),
    };
  });
  const events: TimelineEvent[] = [
    mark(start, 'FaultStarted', input.tool),
    mark(end, 'FaultEnded', input.tool),
    ...(input.podFacts ?? []).flatMap(podEvents),
    ...steadyStateEvents(input.status),
  ].sort((a, b) => a.t - b.t);
  const reported = target?.result?.effect;
  return {
    tool: input.tool,
    ...(input.pod !== undefined ? { pod: input.pod } : {}),
    window: { start, end },
    range: {
      start: Math.min(start, first ?? start, ...events.map((e) => e.t)),
      end: Math.max(end, last ?? end, ...events.map((e) => e.t)),
    },
    series: Object.fromEntries([...seen].map((m) => [m, series[m].result])),
    events,
    effects,
    ...(reported && typeof reported === 'object' ? { reportedEffect: reported as Record<string, unknown> } : {}),
    overlays: [{ label: `${input.tool} fault`, start, end }],
    samples,
    invalidLines,
    outOfOrder,
  };
}

function mark(t: number, kind: string, detail: string): TimelineEvent {
  return { t, kind, severity: 'info', detail };
}

function requestedChange(r: RequestedEffect | undefined, m: Metric): number | undefined {
  if (!r) return undefined;
  return m === 'cpuMillicores' ? r.cpuMillicores : m === 'memoryBytes' ? r.memoryBytes : r.volumeBytes;
}

type Sample = { t: number; volumeTotalBytes?: number } & Partial<Record<Metric, number>>;

function parseSample(line: string): Sample | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as Record<string, unknown>;
  const t = typeof o.t === 'string' ? Date.parse(o.t) : Number.NaN;
  if (!Number.isFinite(t)) return undefined;
  const sample: Sample = { t };
  for (const key of [...metrics, 'volumeTotalBytes'] as const) {
    const v = o[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) sample[key] = v;
  }
  return sample;
}

function podEvents(facts: PodFacts): TimelineEvent[] {
  const pod = facts.pod;
  const at = (text: string): number => Date.parse(text);
  const out: TimelineEvent[] = [
    ...(facts.restarts ?? []).map((r) => ({
      t: at(r.at),
      kind: 'Restart',
      severity: 'warning' as const,
      pod,
      detail: [r.container, r.reason, r.exitCode === undefined ? undefined : `exit ${r.exitCode}`].filter(Boolean).join(' '),
    })),
    ...(facts.readiness ?? []).map((r) => ({
      t: at(r.at),
      kind: r.ready ? 'Ready' : 'NotReady',
      severity: r.ready ? ('info' as const) : ('warning' as const),
      pod,
    })),
    ...(facts.oomKills ?? []).map((o) => ({ t: at(o.at), kind: 'OOMKilled', severity: 'critical' as const, pod, detail: o.container })),
    ...(facts.events ?? []).map((e) => ({
      t: at(e.at),
      kind: e.reason,
      severity: e.type === 'Warning' ? ('warning' as const) : ('info' as const),
      pod,
      ...(e.message ? { detail: e.message } : {}),
    })),
  ];
  return out.filter((e) => Number.isFinite(e.t));
}

/** A profiler run overlapping the fault, on the same axis; its per-second sample counts become a series. */
export interface ProfilerRun {
  tool: string;
  startedAt: string;
  finishedAt?: string;
  /** Samples per bucket on the profiler's own clock (perf's), aligned so that the first bucket is startedAt. */
  samplesPerSecond?: { t: number; samples: number }[];
}

export function addProfilerRun(timeline: Timeline, run: ProfilerRun): Timeline {
  const start = time(run.startedAt, 'profiler.startedAt');
  const end = run.finishedAt === undefined ? timeline.window.end : time(run.finishedAt, 'profiler.finishedAt');
  const buckets = run.samplesPerSecond ?? [];
  const origin = buckets[0]?.t ?? 0;
  const profilerSamples = buckets.map((b) => ({ t: start + (b.t - origin) * 1000, v: b.samples }));
  return {
    ...timeline,
    range: { start: Math.min(timeline.range.start, start), end: Math.max(timeline.range.end, end, ...profilerSamples.map((p) => p.t)) },
    series: { ...timeline.series, ...(profilerSamples.length > 0 ? { profilerSamples } : {}) },
    overlays: [...timeline.overlays, { label: `${run.tool} profile`, start, end }],
    events: [...timeline.events, mark(start, 'ProfilerStarted', run.tool), mark(end, 'ProfilerEnded', run.tool)].sort((a, b) => a.t - b.t),
  };
}
