/** CPU: throttling against the container's limit, and the functions that burn the CPU. */
import type { Finding } from '../types.ts';
import { finding, num, ofKind, str, subjectKey, type Rule } from './rule.ts';

/**
 * Throttled in a quarter of the CFS periods means latency spikes of up to one period (100 ms by default) on a
 * quarter of the requests; half is the app running at its limit all the time.
 */
const THROTTLED_WARNING_PCT = 25;
const THROTTLED_CRITICAL_PCT = 50;
const CPU_AT_LIMIT_PCT = 95;
/** One function with a fifth of all samples to itself is where an optimisation pays. */
const HOT_SELF_PCT = 20;

export const cpuThrottling: Rule = (evidence) => {
  const out: Finding[] = [];
  const cpu = evidence.find((e) => e.id === 'ev-series-cpu');
  const cpuAtLimit = cpu && (num(cpu, 'maxPctOfLimit') ?? 0) >= CPU_AT_LIMIT_PCT ? [cpu] : [];
  for (const t of ofKind(evidence, 'cpu-throttling')) {
    const pct = num(t, 'throttledPct') ?? 0;
    if (pct < THROTTLED_WARNING_PCT) continue;
    out.push(
      finding(
        'CpuThrottling',
        pct >= THROTTLED_CRITICAL_PCT ? 'critical' : 'warning',
        subjectKey(t),
        `${t.subject.container} in ${t.subject.pod} is CPU-throttled in ${pct}% of periods`,
        `The container hits its CPU limit: ${num(t, 'nrThrottled')} of ${num(t, 'nrPeriods')} scheduling periods were throttled${num(t, 'throttledSeconds') !== undefined ? ` (${num(t, 'throttledSeconds')}s stalled)` : ''}. Raise or remove the CPU limit, or reduce the work (see the hot functions).`,
        [t, ...cpuAtLimit],
      ),
    );
  }
  if (out.length === 0 && cpu && cpuAtLimit.length > 0) {
    out.push(
      finding(
        'CpuThrottling',
        'warning',
        'series',
        `CPU use reached ${num(cpu, 'maxPctOfLimit')}% of the limit`,
        'The target ran at its CPU limit; the CFS quota throttles it there.',
        [cpu],
      ),
    );
  }
  return out;
};

export const hotFunction: Rule = (evidence) => {
  const hot = ofKind(evidence, 'hot-function');
  const above = hot.filter((h) => (num(h, 'selfPct') ?? 0) >= HOT_SELF_PCT);
  const chosen = above.length > 0 ? above : hot.slice(0, 1);
  return chosen.map((h): Finding =>
    finding(
      'HotFunction',
      (num(h, 'selfPct') ?? 0) >= HOT_SELF_PCT ? 'warning' : 'info',
      subjectKey(h),
      `${str(h, 'name')} takes ${num(h, 'selfPct')}% of the CPU samples`,
      `${h.source === 'runtime' ? `The ${str(h, 'runtime') ?? ''} CPU profile` : 'perf'} sampled ${str(h, 'name')} in ${num(h, 'selfPct')}% of samples itself${num(h, 'totalPct') !== undefined ? ` and ${num(h, 'totalPct')}% with what it calls` : ''}. Start optimising there; the flame graph shows who calls it.`,
      [h],
    ),
  );
};
