/** Probes: liveness failures restart a container, readiness failures take it out of its Services. */
import type { Finding } from '../types.ts';
import { events, finding, ofKind, sameTarget, subjectKey, type Rule } from './rule.ts';

export const probeFailures: Rule = (evidence) => {
  const out: Finding[] = [];
  const unhealthy = events(evidence, ['Unhealthy', 'ProbeWarning']);
  const killed = events(evidence, ['Killing'], /probe/i);
  const notReady = ofKind(evidence, 'container-not-ready');
  const byPod = new Map<string, typeof unhealthy>();
  for (const e of [...unhealthy, ...killed]) {
    const key = `${e.subject.pod ?? e.subject.object ?? 'unknown'}/${e.subject.container ?? ''}`;
    byPod.set(key, [...(byPod.get(key) ?? []), e]);
  }
  for (const [key, group] of byPod) {
    const first = group[0];
    if (!first) continue;
    const liveness = group.some((e) => /liveness|startup/i.test(String(e.data.message ?? '')) || e.data.reason === 'Killing');
    const count = group.filter((e) => e.data.reason !== 'Killing').reduce((n, e) => n + (Number(e.data.count) || 1), 0);
    const related = evidence.filter((e) => sameTarget(e, first) && ['container-not-ready', 'container-restarts'].includes(e.kind));
    out.push(
      finding(
        'ProbeFailures',
        liveness ? 'critical' : 'warning',
        key
          .replace(/[^a-z0-9]+/gi, '-')
          .replace(/-+$/, '')
          .toLowerCase(),
        `${liveness ? 'Liveness' : 'Readiness'} probe of ${first.subject.container ?? 'a container'} in ${first.subject.pod ?? first.subject.object ?? 'a pod'} is failing`,
        `${count} probe failure(s); the latest: ${String(first.data.message ?? 'no message')}. ${liveness ? 'The kubelet restarts the container each time the liveness probe gives up.' : 'The pod is taken out of its Services while it fails.'} Check the probe's timeout against the app's response time under load.`,
        [...group, ...related],
      ),
    );
  }
  for (const n of notReady) {
    if (out.some((f) => f.evidence.includes(n.id))) continue;
    out.push(
      finding(
        'ProbeFailures',
        'warning',
        subjectKey(n),
        `${n.subject.container} in ${n.subject.pod} is not ready`,
        'The container runs but its readiness probe does not pass; no probe Event was kept.',
        [n],
      ),
    );
  }
  return out;
};
