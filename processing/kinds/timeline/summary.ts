/**
 * kinds/timeline/parse.ts's `Timeline` as the evidence builder's `TimelineSummary`: series reduced to min / mean /
 * max against the limits the caller knows from the pod spec (the timeline itself has no limits), and the first
 * effect the fault asked for with its recovery.
 */
import type { Metric, Timeline } from './parse.ts';
import type { SeriesSummary, TimelineSummary } from '../../rca/types.ts';

export interface Limits {
  cpuMillicores?: number;
  memoryBytes?: number;
  volumeTotalBytes?: number;
}

function summarise(points: { v: number }[] | undefined, limit: number | undefined): SeriesSummary | undefined {
  if (!points || points.length === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const p of points) {
    min = Math.min(min, p.v);
    max = Math.max(max, p.v);
    sum += p.v;
  }
  return { min, max, mean: sum / points.length, samples: points.length, ...(limit !== undefined ? { limit } : {}) };
}

const units: Record<Metric, string> = { cpuMillicores: 'm', memoryBytes: 'B', volumeUsedBytes: 'B' };

export function fromTimeline(t: Timeline, limits: Limits = {}): TimelineSummary {
  const out: TimelineSummary = {
    fault: { start: new Date(t.window.start).toISOString(), end: new Date(t.window.end).toISOString(), kind: t.tool },
  };
  const cpu = summarise(t.series.cpuMillicores, limits.cpuMillicores);
  const memory = summarise(t.series.memoryBytes, limits.memoryBytes);
  const volume = summarise(t.series.volumeUsedBytes, limits.volumeTotalBytes);
  if (cpu) out.cpuMillicores = cpu;
  if (memory) out.memoryBytes = memory;
  if (volume) out.volumeUsedBytes = volume;
  const effect = t.effects.find((e) => e.achieved !== undefined);
  if (effect) {
    const requested = effect.expected ?? effect.requested;
    const measured =
      effect.during !== undefined && effect.baseline !== undefined && effect.expected === undefined
        ? effect.during - effect.baseline
        : effect.during;
    out.effect = {
      metric: effect.metric,
      requested: requested ?? 0,
      measured: measured ?? 0,
      achieved: effect.achieved,
      unit: units[effect.metric],
    };
  }
  const recovery = t.effects.find((e) => e.recovery)?.recovery;
  if (recovery) out.recoverySeconds = recovery.recovered ? (recovery.seconds ?? 0) : null;
  return out;
}
