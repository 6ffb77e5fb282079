import { isRunning } from './daemon.ts';
import type { ClusterState } from './state.ts';

/** `apiserver`: etcd + kube-apiserver only (integration tests); `node`: the full single-node cluster. */
export type Mode = ClusterState['mode'];

/** The daemons each mode runs; a cluster is "up" in a mode when all of these are. */
export const DAEMONS: Record<Mode, string[]> = {
  apiserver: ['etcd', 'kube-apiserver'],
  node: ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'containerd', 'kubelet', 'kube-proxy', 'traefik'],
};

export async function runningDaemons(state: ClusterState | undefined): Promise<string[]> {
  const out: string[] = [];
  for (const [name, rec] of Object.entries(state?.daemons ?? {})) if (await isRunning(rec)) out.push(name);
  return out;
}

/** True when everything `mode` needs already runs (a running node also serves the API-server-only mode). */
export async function isUp(state: ClusterState | undefined, mode: Mode): Promise<boolean> {
  const running = await runningDaemons(state);
  return DAEMONS[mode].every((d) => running.includes(d));
}
