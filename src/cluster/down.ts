import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '../telemetry/log.ts';
import { KUBEPODS, PIDS_ROOT, pidsIn, removeCgroupTree, TOE_CGROUP } from './cgroup.ts';
import { stopDaemon } from './daemon.ts';
import { exec, succeeds } from '../host/exec.ts';
import { removeKubeChains } from './iptables.ts';
import type { Layout } from './layout.ts';
import { withLock } from './lock.ts';
import { mounts, mountsUnder, unmount } from './mounts.ts';
import { step, type Progress } from './progress.ts';
import { ensureUnreachableRoutes } from './routes.ts';
import { emptyState, readState, type ClusterState } from './state.ts';
import { binary } from './steps/build-kubernetes.ts';
import { network } from './settings.ts';
import { restoreSysctls } from './sysctl.ts';

/**
 * How long each daemon gets between SIGTERM and SIGKILL. The API server drains connections for seconds on SIGTERM,
 * while everything it serves is stopping too and all its state is in etcd: a short grace loses nothing. etcd keeps
 * the default grace, so it closes its data files cleanly.
 */
const GRACE_MS: Record<string, number> = { 'kube-apiserver': 1000, traefik: 2000 };

/** Signals every PID in the cgroups until none is left (containers first, then shims and daemons). */
async function killCgroup(path: string, budgetMs: number): Promise<number[]> {
  const deadline = Date.now() + budgetMs;
  let pids = await pidsIn(path);
  while (pids.length && Date.now() < deadline) {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 100));
    pids = await pidsIn(path);
  }
  return pids;
}

/**
 * Undoes `up`, reading only the state file and the cgroups it made: no process is looked up by name. Order: the
 * daemons (SIGTERM, SIGKILL after a grace period), every container (the kubepods cgroups), whatever is left in the
 * TOE cgroup (containerd's shims), then mounts, iptables, links, sysctls, cgroups.
 * Each step runs even if an earlier one failed; the error lists what is left.
 */
export async function teardown(l: Layout, state: ClusterState, progress: Progress): Promise<void> {
  const left: string[] = [];
  const log = logger('cluster');
  const attempt = async (what: string, fn: () => Promise<void>): Promise<void> => {
    const started = Date.now();
    try {
      await fn();
    } catch (err) {
      left.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
    log.debug({ step: what, ms: Date.now() - started }, 'teardown step');
  };
  const daemons = state.daemons;
  // All daemons at once: the kubelet and containerd are going too, so nothing restarts a container we kill next.
  await attempt('stop the daemons', async () => {
    await Promise.all(
      Object.entries(daemons).map(async ([name, rec]) => {
        const started = Date.now();
        await stopDaemon(rec, GRACE_MS[name] ?? 3000);
        log.debug({ daemon: name, ms: Date.now() - started }, 'stopped');
      }),
    );
  });
  await attempt('stop the containers', async () => {
    const still = await killCgroup(join(PIDS_ROOT, KUBEPODS), 5000);
    if (still.length) throw new Error(`PIDs ${still.join(' ')} survived SIGKILL`);
  });
  await attempt('stop the shims', async () => {
    const still = await killCgroup(TOE_CGROUP, 3000);
    if (still.length) throw new Error(`PIDs ${still.join(' ')} survived SIGKILL`);
  });
  await attempt('unmount', async () => {
    for (const m of mountsUnder(await mounts(), [l.stateDir])) await unmount(m);
  });
  if (state.mode === 'node') {
    await attempt('remove the iptables rules of kube-proxy and the kubelet', async () => {
      await exec(binary({ layout: l }, 'kube-proxy'), ['--cleanup'], { timeoutMs: 10_000 }).catch(() => undefined);
      await removeKubeChains();
    });
  }
  // Kept, not removed (routes.ts): clients of the cluster outlive it, and their retries must not leave the machine.
  // Installed here too, for a cluster an older `up` started without them.
  await attempt("keep the cluster's address ranges off the network", ensureUnreachableRoutes);
  await attempt('remove network links', async () => {
    for (const link of state.links) if (await succeeds('ip', ['link', 'show', link])) await exec('ip', ['link', 'del', link]);
  });
  await attempt('restore kernel settings', async () => {
    const failed = await restoreSysctls(state.sysctls);
    if (failed.length) throw new Error(`could not restore ${failed.join(', ')}`);
  });
  await attempt('remove cgroups', async () => {
    const stuck = [...(await removeCgroupTree(KUBEPODS)), ...(await removeCgroupTree('toe'))];
    if (stuck.length) throw new Error(`still busy: ${stuck.slice(0, 5).join(' ')}`);
  });
  // No CNI DEL ran for the pods killed above: drop their address reservations, or host-local runs out eventually.
  await attempt('release pod addresses', () => rm(l.cniDataDir, { recursive: true, force: true }));
  await attempt('remove the state file', () => rm(l.stateFile, { force: true }));
  if (left.length) {
    throw new Error(`toe cluster down left some things behind; remove them by hand:\n${left.map((x) => `  * ${x}`).join('\n')}`);
  }
  progress.info('no process, mount or network link of the cluster is left');
}

export interface DownResult {
  wasRunning: boolean;
}

/** Stops the cluster; with `purge`, also deletes its state (certificates, etcd data, containerd's images). */
export async function down(l: Layout, progress: Progress, opts: { purge?: boolean } = {}): Promise<DownResult> {
  return withLock(`${l.stateDir}.lock`, 120_000, async () => {
    let state = await readState(l.stateFile);
    if (!state && ((await pidsIn(TOE_CGROUP)).length > 0 || mountsUnder(await mounts(), [l.stateDir]).length > 0)) {
      // The state file is gone but processes or mounts of ours are not: the cgroup and the prefix still find them.
      // The kernel settings' old values went with the file: say so rather than guess.
      progress.warn('no state file: stopping what the TOE cgroup and mounts show; kernel settings cannot be restored');
      state = { ...emptyState('', ''), mode: 'node', links: [network.bridge] };
    }
    if (state) await step(progress, 'stopping the cluster', () => teardown(l, state, progress));
    if (opts.purge) await step(progress, `removing ${l.stateDir}`, () => rm(l.stateDir, { recursive: true, force: true }));
    return { wasRunning: state !== undefined };
  });
}
