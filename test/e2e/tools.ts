/**
 * What the per-tool end-to-end suites share: PowerTools created and followed through the API, the sample apps of
 * samples/apps applied into a suite's own namespace, and the effects measured from OUTSIDE the tool — the pod's
 * cgroup on the node, statfs of a volume's host path — so a tool that only claims an effect in its result fails.
 */
import { readFileSync, readdirSync, existsSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { V1Pod } from '@kubernetes/client-node';
import { GROUP, VERSION, type PowerTool } from '../../src/api/index.ts';
import { serverSideApply } from '../../src/kube/apply.ts';
import type { Clients } from '../../src/kube/client.ts';
import { ensureNamespace } from '../integration/kube.ts';
import { waitFor } from '../../src/kube/wait.ts';

const root = new URL('../..', import.meta.url).pathname;
const CGROUP_ROOT = '/sys/fs/cgroup';
const KUBELET_PODS = '/var/lib/toe/kubelet/pods';

export interface PowerTools {
  create(name: string, spec: Record<string, unknown>): Promise<void>;
  get(name: string): Promise<PowerTool>;
  until(name: string, what: string, ok: (pt: PowerTool) => boolean, timeoutMs?: number): Promise<PowerTool>;
  suspend(name: string): Promise<void>;
}

export function powerTools(clients: Clients, namespace: string): PowerTools {
  const base = { group: GROUP, version: VERSION, namespace, plural: 'powertools' };
  const get = async (name: string) => (await clients.custom.getNamespacedCustomObject({ ...base, name })) as PowerTool;
  return {
    create: async (name, spec) => {
      await clients.custom.createNamespacedCustomObject({
        ...base,
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'PowerTool', metadata: { name }, spec },
      });
    },
    get,
    until: (name, what, ok, timeoutMs = 90_000) =>
      waitFor(
        `${name}: ${what}`,
        async () => {
          const pt = await get(name);
          return ok(pt) ? pt : undefined;
        },
        { timeoutMs: timeoutMs },
      ),
    suspend: async (name) => {
      await clients.custom.patchNamespacedCustomObject({ ...base, name, body: [{ op: 'replace', path: '/spec/suspend', value: true }] });
    },
  };
}

export const finished = (pt: PowerTool): boolean => pt.status?.finishedAt !== undefined;
export const allRunning =
  (n: number) =>
  (pt: PowerTool): boolean =>
    (pt.status?.targets ?? []).length === n && pt.status?.targets?.every((t) => t.phase === 'Running') === true;

/**
 * A sample app from samples/apps (a file relative to it), applied into `namespace` (opted in) instead of `demo`,
 * so suites never touch what others applied. Resolves with the Running pods carrying `app=<label>`.
 */
export async function sampleApp(clients: Clients, namespace: string, file: string, label: string, count = 1): Promise<V1Pod[]> {
  await ensureNamespace(clients, namespace, { 'toe.dev/allow-powertools': 'true' });
  const text = readFileSync(join(root, 'samples/apps', file), 'utf8');
  for (const doc of parseAllDocuments(text)) {
    const obj = doc.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } | null;
    if (!obj) continue;
    obj.metadata.namespace = namespace;
    await serverSideApply(clients.kc, obj, `${obj.kind.toLowerCase()}s`);
  }
  return runningPods(clients, namespace, label, count);
}

export function runningPods(clients: Clients, namespace: string, label: string, count: number): Promise<V1Pod[]> {
  return waitFor(
    `${count} running ${label} pods`,
    async () => {
      const pods = (await clients.core.listNamespacedPod({ namespace, labelSelector: `app=${label}` })).items;
      const running = pods.filter(
        (p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && p.status.containerStatuses?.every((c) => c.ready),
      );
      return running.length === count ? running : undefined;
    },
    { timeoutMs: 90_000 },
  );
}

/** The pod's cgroup directory in a v1 controller hierarchy (cgroupfs driver: kubepods[/<qos>]/pod<uid>). */
export function podCgroup(controller: 'cpuacct' | 'memory', uid: string): string {
  for (const qos of ['', 'burstable', 'besteffort']) {
    const dir = join(CGROUP_ROOT, controller, 'kubepods', qos, `pod${uid}`);
    if (existsSync(dir)) return dir;
  }
  throw new Error(`no ${controller} cgroup for pod ${uid} under ${CGROUP_ROOT}/${controller}/kubepods`);
}

/** Nanoseconds of CPU the whole pod used so far (every container, ephemeral ones included). */
export const podCpuNanos = (uid: string): bigint => BigInt(readFileSync(join(podCgroup('cpuacct', uid), 'cpuacct.usage'), 'utf8').trim());

/** The pod's memory use as its cgroup counts it. */
export const podMemoryBytes = (uid: string): number =>
  Number(readFileSync(join(podCgroup('memory', uid), 'memory.usage_in_bytes'), 'utf8').trim());

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pod's average CPU over `ms`, in millicores, from cpuacct.usage deltas. */
export async function podCpuMillicores(uid: string, ms: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const u0 = podCpuNanos(uid);
  await sleep(ms);
  const u1 = podCpuNanos(uid);
  const t1 = process.hrtime.bigint();
  return Number(((u1 - u0) * 1000n) / (t1 - t0));
}

/** Where the kubelet mounted a pod volume on the node (emptyDir or a PV's host path). */
export function volumeHostPath(uid: string, volume: string): string {
  const dir = join(KUBELET_PODS, uid, 'volumes');
  for (const plugin of readdirSync(dir)) {
    const path = join(dir, plugin, volume);
    if (existsSync(path)) return path;
  }
  throw new Error(`no volume ${volume} of pod ${uid} under ${dir}`);
}

/** Used bytes as df computes them: size minus what is free. */
export function volumeUsedBytes(path: string): { used: number; total: number } {
  const s = statfsSync(path);
  return { used: (s.blocks - s.bfree) * s.bsize, total: s.blocks * s.bsize };
}

/** The tool's container log (output mode logs). */
export async function toolLog(clients: Clients, namespace: string, pod: string, container: string): Promise<string> {
  return clients.core.readNamespacedPodLog({ name: pod, namespace, container });
}

/** Restart counts of a pod's containers, by name. */
export async function restartCounts(clients: Clients, namespace: string, pod: string): Promise<Record<string, number>> {
  const p = await clients.core.readNamespacedPod({ name: pod, namespace });
  return Object.fromEntries((p.status?.containerStatuses ?? []).map((c) => [c.name, c.restartCount]));
}

/** Host PIDs of one container of a pod, from its cgroup (cgroupfs driver: <pod cgroup>/<container id>). */
export async function containerHostPids(clients: Clients, namespace: string, pod: string, container: string): Promise<number[]> {
  const p = await clients.core.readNamespacedPod({ name: pod, namespace });
  const status = p.status?.containerStatuses?.find((c) => c.name === container);
  const id = status?.containerID?.replace(/^[a-z]+:\/\//, '');
  if (!id || !p.metadata?.uid) throw new Error(`container ${container} of ${namespace}/${pod} has no container ID yet`);
  const procs = readFileSync(join(podCgroup('cpuacct', p.metadata.uid), id, 'cgroup.procs'), 'utf8');
  return procs.split('\n').filter(Boolean).map(Number);
}

/** The PID that ptrace-attached to `pid` (0: none), as the node's /proc says. */
export function tracerPid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('TracerPid:'));
  return Number(line?.split(/\s+/)[1] ?? 0);
}
