/**
 * Evidence from the target pods' status: OOM kills, other terminations, restarts, waiting reasons, readiness and
 * eviction, per container. A container's role (main, sidecar, init, tool) travels with it, because the same crash
 * loop means something else in the app than in a log shipper beside it.
 */
import type { Evidence, Subject } from '../types.ts';
import { asArray, asNumber, asRecord, asString, asTime, at, idPart } from '../loose.ts';

export const MAX_PODS = 1000;
const MAX_CONTAINERS = 64;

export type ContainerRole = 'main' | 'sidecar' | 'init' | 'tool';

/** Waiting reasons that are the normal way into Running, not a problem. */
const benignWaiting = new Set(['ContainerCreating', 'PodInitializing']);

interface ContainerView {
  name: string;
  role: ContainerRole;
  status: Record<string, unknown>;
  memoryLimit?: string;
  cpuLimit?: string;
  image?: string;
}

function containers(pod: unknown, mainName: string | undefined): ContainerView[] {
  const spec = asRecord(at(pod, 'spec'));
  const limits = new Map<string, Record<string, unknown>>();
  const specContainers = asArray(spec.containers, MAX_CONTAINERS);
  const nativeSidecars = new Set<string>();
  for (const c of [...specContainers, ...asArray(spec.initContainers, MAX_CONTAINERS)]) {
    const name = asString(at(c, 'name'));
    if (!name) continue;
    limits.set(name, asRecord(at(c, 'resources', 'limits')));
    if (at(c, 'restartPolicy') === 'Always') nativeSidecars.add(name);
  }
  const main = mainName ?? asString(at(specContainers[0], 'name'));
  const out: ContainerView[] = [];
  const add = (list: unknown, role: (name: string) => ContainerRole): void => {
    for (const s of asArray(list, MAX_CONTAINERS)) {
      const name = asString(at(s, 'name'), 253);
      if (!name) continue;
      const lim = limits.get(name) ?? {};
      out.push({
        name,
        role: role(name),
        status: asRecord(s),
        memoryLimit: asString(lim.memory, 64),
        cpuLimit: asString(lim.cpu, 64),
        image: asString(at(s, 'image'), 512),
      });
    }
  };
  const status = at(pod, 'status');
  add(at(status, 'containerStatuses'), (n) => (n === main ? 'main' : 'sidecar'));
  add(at(status, 'initContainerStatuses'), (n) => (nativeSidecars.has(n) ? 'sidecar' : 'init'));
  add(at(status, 'ephemeralContainerStatuses'), () => 'tool');
  return out;
}

function containerEvidence(c: ContainerView, subject: Subject, key: string): Evidence[] {
  const out: Evidence[] = [];
  const s = { ...subject, container: c.name };
  const k = `${key}-${idPart(c.name)}`;
  const restarts = asNumber(c.status.restartCount) ?? 0;
  const where = `container ${c.name} (${c.role}) of pod ${subject.pod}`;
  const terminated = asRecord(at(c.status, 'lastState', 'terminated'));
  const current = asRecord(at(c.status, 'state', 'terminated'));
  const term = Object.keys(current).length > 0 ? current : terminated;
  const reason = asString(term.reason, 128);
  const exitCode = asNumber(term.exitCode);
  if (reason === 'OOMKilled') {
    out.push({
      id: `ev-oom-${k}`,
      kind: 'container-oom-killed',
      source: 'pod',
      summary: `${where} was OOM-killed (exit ${exitCode ?? 137}, ${restarts} restarts, memory limit ${c.memoryLimit ?? 'none'})`,
      subject: s,
      data: { role: c.role, exitCode: exitCode ?? 137, restartCount: restarts, memoryLimit: c.memoryLimit ?? null },
      at: asTime(term.finishedAt),
    });
  } else if ((reason !== undefined && reason !== 'Completed') || (exitCode !== undefined && exitCode !== 0)) {
    out.push({
      id: `ev-terminated-${k}`,
      kind: 'container-terminated',
      source: 'pod',
      summary: `${where} terminated: ${reason ?? 'unknown reason'}, exit code ${exitCode ?? 'unknown'}`,
      subject: s,
      data: {
        role: c.role,
        reason: reason ?? null,
        exitCode: exitCode ?? null,
        signal: asNumber(term.signal) ?? null,
        message: asString(term.message, 512) ?? null,
      },
      at: asTime(term.finishedAt),
    });
  }
  if (restarts > 0 && c.role !== 'tool') {
    out.push({
      id: `ev-restarts-${k}`,
      kind: 'container-restarts',
      source: 'pod',
      summary: `${where} restarted ${restarts} times${reason ? `, last because ${reason}` : ''}`,
      subject: s,
      data: { role: c.role, restartCount: restarts, lastReason: reason ?? null, lastExitCode: exitCode ?? null },
    });
  }
  const waiting = asRecord(at(c.status, 'state', 'waiting'));
  const waitReason = asString(waiting.reason, 128);
  if (waitReason && !benignWaiting.has(waitReason)) {
    out.push({
      id: `ev-waiting-${k}`,
      kind: 'container-waiting',
      source: 'pod',
      summary: `${where} is waiting: ${waitReason}${asString(waiting.message, 200) ? ` (${asString(waiting.message, 200)})` : ''}`,
      subject: { ...s, image: c.image },
      data: { role: c.role, reason: waitReason, message: asString(waiting.message, 512) ?? null, image: c.image ?? null },
    });
  }
  if (c.status.ready === false && at(c.status, 'state', 'running') !== undefined && c.role !== 'tool' && c.role !== 'init') {
    out.push({
      id: `ev-notready-${k}`,
      kind: 'container-not-ready',
      source: 'pod',
      summary: `${where} is running but not ready`,
      subject: s,
      data: { role: c.role },
    });
  }
  return out;
}

/** `mainContainers` maps a pod name to the container the PowerTool targeted. */
export function podEvidence(pods: unknown[], mainContainers: Map<string, string>): Evidence[] {
  const out: Evidence[] = [];
  for (const pod of pods.slice(0, MAX_PODS)) {
    const name = asString(at(pod, 'metadata', 'name'), 253);
    if (!name) continue;
    const subject: Subject = {
      namespace: asString(at(pod, 'metadata', 'namespace'), 253),
      pod: name,
      node: asString(at(pod, 'spec', 'nodeName'), 253),
    };
    const key = idPart(name);
    const status = asRecord(at(pod, 'status'));
    if (status.reason === 'Evicted') {
      out.push({
        id: `ev-evicted-${key}`,
        kind: 'pod-evicted',
        source: 'pod',
        summary: `pod ${name} was evicted from node ${subject.node ?? 'unknown'}: ${asString(status.message, 300) ?? 'no message'}`,
        subject,
        data: { phase: asString(status.phase) ?? null, message: asString(status.message, 512) ?? null },
      });
    }
    for (const c of containers(pod, mainContainers.get(name))) out.push(...containerEvidence(c, subject, key));
  }
  return out;
}
