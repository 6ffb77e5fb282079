/** RCA evidence from cgroup cpu.stat counters: how often each container was CPU-throttled over the run. */
import type { Evidence } from '../../rca/types.ts';
import { asArray, asNumber, asString, at, idPart, percent } from '../../rca/loose.ts';

const MAX_THROTTLE_ROWS = 1000;

export function throttleEvidence(rows: unknown): Evidence[] {
  const out: Evidence[] = [];
  for (const r of asArray(rows, MAX_THROTTLE_ROWS)) {
    const pod = asString(at(r, 'pod'), 253);
    const container = asString(at(r, 'container'), 253);
    const periods = asNumber(at(r, 'nrPeriods'));
    const throttled = asNumber(at(r, 'nrThrottled'));
    if (!pod || !container || periods === undefined || throttled === undefined) continue;
    const seconds = asNumber(at(r, 'throttledSeconds'));
    out.push({
      id: `ev-throttle-${idPart(pod)}-${idPart(container)}`,
      kind: 'cpu-throttling',
      source: 'cgroup',
      summary: `container ${container} of pod ${pod} was CPU-throttled in ${throttled} of ${periods} periods (${percent(throttled, periods)}%)${seconds !== undefined ? `, ${seconds}s in total` : ''}`,
      subject: { pod, container },
      data: { nrPeriods: periods, nrThrottled: throttled, throttledPct: percent(throttled, periods), throttledSeconds: seconds ?? null },
    });
  }
  return out;
}
