/** Memory: OOM kills (by the container's limit or the node's OOM killer), memory at its limit, evictions. */
import type { Evidence, Finding } from '../types.ts';
import { events, finding, num, ofKind, sameTarget, subjectKey, type Rule } from './rule.ts';

/** Above this share of its limit a container is one allocation away from an OOM kill. */
const NEAR_LIMIT_PCT = 90;

export const oomKilled: Rule = (evidence) => {
  const out: Finding[] = [];
  const kills = ofKind(evidence, 'container-oom-killed');
  const oomEvents = events(evidence, ['OOMKilling', 'SystemOOM', 'OOMKilled']);
  for (const k of kills) {
    const related = evidence.filter((e) => e !== k && sameTarget(e, k) && ['container-restarts', 'container-waiting'].includes(e.kind));
    const limit = k.data.memoryLimit;
    out.push(
      finding(
        'OOMKilled',
        'critical',
        subjectKey(k),
        `${k.subject.container} in ${k.subject.pod} was killed for running out of memory`,
        `The kernel OOM-killed the container (exit ${num(k, 'exitCode') ?? 137}) ${num(k, 'restartCount') ?? 0} time(s) so far; its memory limit is ${limit ?? 'not set'}. Raise the limit or find what grows (a memory profile, the heap).`,
        [k, ...related, ...oomEvents.filter((e) => !e.subject.pod || e.subject.pod === k.subject.pod)],
      ),
    );
  }
  if (kills.length === 0 && oomEvents.length > 0) {
    out.push(
      finding(
        'OOMKilled',
        'critical',
        'events',
        'The OOM killer ran',
        'Events report OOM kills; the pod status no longer shows which container (it may have restarted since).',
        oomEvents,
      ),
    );
  }
  const memory = evidence.find((e) => e.id === 'ev-series-memory');
  const pct = memory ? num(memory, 'maxPctOfLimit') : undefined;
  if (memory && pct !== undefined && pct >= NEAR_LIMIT_PCT && kills.length === 0) {
    out.push(
      finding(
        'OOMKilled',
        'warning',
        'near-limit',
        `Memory reached ${pct}% of its limit`,
        'The target ran within a few percent of its memory limit; the next spike is an OOM kill.',
        [memory],
      ),
    );
  }
  return out;
};

export const evicted: Rule = (evidence) => {
  const out: Finding[] = [];
  const pressure = events(evidence, ['EvictionThresholdMet', 'NodeHasDiskPressure', 'NodeHasMemoryPressure', 'FreeDiskSpaceFailed']);
  const evictedEvents = events(evidence, ['Evicted']);
  const pods = ofKind(evidence, 'pod-evicted');
  for (const p of pods) {
    const cited: Evidence[] = [p, ...evictedEvents.filter((e) => e.subject.pod === p.subject.pod), ...pressure];
    out.push(
      finding(
        'Evicted',
        'critical',
        subjectKey(p),
        `${p.subject.pod} was evicted by the kubelet`,
        `${String(p.data.message ?? 'The node ran short of a resource.')} Set requests that match real use, or move the workload.`,
        cited,
      ),
    );
  }
  const unmatched = evictedEvents.filter((e) => !pods.some((p) => p.subject.pod === e.subject.pod));
  if (unmatched.length > 0) {
    out.push(
      finding('Evicted', 'critical', 'events', 'Pods were evicted', 'Events report evictions; see their messages for the resource.', [
        ...unmatched,
        ...pressure,
      ]),
    );
  }
  return out;
};
