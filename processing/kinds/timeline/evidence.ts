/**
 * RCA evidence from a fault's timeline: the effect against the request, the recovery, and the CPU / memory / volume
 * series against their limits.
 */
import type { Evidence, EvidenceValue, TimelineSummary } from '../../rca/types.ts';
import { asNumber, asRecord, asString, at, percent } from '../../rca/loose.ts';

function round(n: number | undefined): number | null {
  return n === undefined ? null : Math.round(n * 1000) / 1000;
}

function series(name: 'cpu' | 'memory' | 'volume', metric: string, value: unknown, unit: string): Evidence[] {
  const s = asRecord(value);
  const max = asNumber(s.max);
  if (max === undefined) return [];
  // A volume's limit is its size; cpu and memory are measured against the container's limit.
  const limit = asNumber(s.limit) ?? asNumber(s.totalBytes);
  const data: Record<string, EvidenceValue> = {
    metric,
    min: round(asNumber(s.min)),
    mean: round(asNumber(s.mean)),
    max,
    limit: limit ?? null,
    maxPctOfLimit: limit ? percent(max, limit) : null,
    samples: asNumber(s.samples) ?? null,
  };
  return [
    {
      id: `ev-series-${name}`,
      kind: 'series',
      source: 'timeline',
      summary: `${metric}: max ${max}${unit}${limit ? ` of ${limit}${unit} (${percent(max, limit)}%)` : ''}, mean ${round(asNumber(s.mean)) ?? '?'}${unit}`,
      subject: {},
      data,
    },
  ];
}

export function timelineEvidence(timeline: TimelineSummary | undefined): Evidence[] {
  if (!timeline || typeof timeline !== 'object') return [];
  const out: Evidence[] = [];
  const effect = asRecord(timeline.effect);
  const metric = asString(effect.metric, 64);
  if (metric) {
    const requested = asNumber(effect.requested);
    const measured = asNumber(effect.measured);
    const achieved = asNumber(effect.achieved) ?? (requested && measured !== undefined ? measured / requested : undefined);
    out.push({
      id: 'ev-effect',
      kind: 'fault-effect',
      source: 'timeline',
      summary: `fault effect on ${metric}: requested ${requested ?? '?'}, measured ${measured ?? '?'}${asString(effect.unit, 16) ?? ''}${achieved !== undefined ? ` (${Math.round(achieved * 100)}% achieved)` : ''}`,
      subject: {},
      data: {
        metric,
        requested: requested ?? null,
        measured: measured ?? null,
        achieved: round(achieved),
        unit: asString(effect.unit, 16) ?? null,
      },
      at: asString(at(timeline, 'fault', 'start'), 64),
    });
  }
  if ('recoverySeconds' in timeline) {
    const seconds = asNumber(timeline.recoverySeconds);
    out.push({
      id: 'ev-recovery',
      kind: 'recovery',
      source: 'timeline',
      summary:
        seconds === undefined
          ? 'the target did not return to its baseline after the fault'
          : `the target returned to its baseline ${seconds}s after the fault`,
      subject: {},
      data: { seconds: seconds ?? null, recovered: seconds !== undefined },
      at: asString(at(timeline, 'fault', 'end'), 64),
    });
  }
  out.push(...series('cpu', 'cpuMillicores', timeline.cpuMillicores, 'm'));
  out.push(...series('memory', 'memoryBytes', timeline.memoryBytes, 'B'));
  out.push(...series('volume', 'volumeUsedBytes', timeline.volumeUsedBytes, 'B'));
  return out;
}
