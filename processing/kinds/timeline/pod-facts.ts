/**
 * The pod facts a fault timeline marks (restarts, readiness changes, OOM kills), read from pods as the API
 * returns them. A pod's status only remembers each container's last termination, so earlier restarts come from
 * Events (pass them as PodFacts.events).
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { PodFacts } from './parse.ts';

function iso(t: Date | string | undefined): string | undefined {
  if (t === undefined) return undefined;
  const d = t instanceof Date ? t : new Date(t);
  return Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

export function podFacts(pod: V1Pod): PodFacts {
  const facts: Required<Pick<PodFacts, 'restarts' | 'readiness' | 'oomKills'>> = { restarts: [], readiness: [], oomKills: [] };
  const statuses: V1ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const c of statuses) {
    const last = c.lastState?.terminated;
    const now = c.state?.terminated;
    if (c.restartCount > 0 && last) {
      const at = iso(last.finishedAt) ?? iso(c.state?.running?.startedAt);
      if (at) facts.restarts.push({ at, container: c.name, ...(last.reason ? { reason: last.reason } : {}), exitCode: last.exitCode });
    }
    for (const t of [last, now]) {
      const at = iso(t?.finishedAt);
      if (t?.reason === 'OOMKilled' && at) facts.oomKills.push({ at, container: c.name });
    }
  }
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const readyAt = iso(ready?.lastTransitionTime);
  if (ready && readyAt) facts.readiness.push({ at: readyAt, ready: ready.status === 'True' });
  return { pod: pod.metadata?.name ?? '', ...facts };
}
