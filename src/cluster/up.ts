import { rm } from 'node:fs/promises';
import { logger } from '../telemetry/log.ts';
import { ensureCgroup } from './cgroup.ts';
import { saveState, type Context } from './context.ts';
import { teardown } from './down.ts';
import type { Layout } from './layout.ts';
import { withLock } from './lock.ts';
import { isUp, runningDaemons, type Mode } from './modes.ts';
import { preflight } from './preflight.ts';
import { step as runStep, type Progress } from './progress.ts';
import { ensureUnreachableRoutes } from './routes.ts';
import { COREDNS_VERSION, INGRESS_CLASS, KUBERNETES_VERSION, network, TRAEFIK_VERSION } from './settings.ts';
import { emptyState, readState } from './state.ts';
import { runApiserver } from './steps/apiserver.ts';
import { runBuildKubernetes } from './steps/build-kubernetes.ts';
import { runBuildPrograms } from './steps/build-programs.ts';
import { runCerts } from './steps/certs.ts';
import { runCni } from './steps/cni.ts';
import { runContainerd, runImages, runToolImages } from './steps/containerd.ts';
import { runControllerManager } from './steps/controller-manager.ts';
import { runEtcd } from './steps/etcd.ts';
import { runKubeProxy } from './steps/kube-proxy.ts';
import { runKubelet } from './steps/kubelet.ts';
import { runMounts } from './steps/mounts.ts';
import { runNetwork } from './steps/network.ts';
import { runPackages } from './steps/packages.ts';
import { runScheduler } from './steps/scheduler.ts';

interface Step {
  title: string;
  run: (ctx: Context) => Promise<void>;
  /** Only for the full node, not the API-server-only mode. */
  node?: true;
}

/** The order matters and is fixed: each step relies on what the ones before it made (as kind's actionsToRun). */
const plan: Step[] = [
  { title: 'Debian packages', run: runPackages },
  { title: `Kubernetes ${KUBERNETES_VERSION} binaries (built once from Go modules: ~15 min cold, then cached)`, run: runBuildKubernetes },
  {
    title: `pause, CoreDNS ${COREDNS_VERSION} and Traefik ${TRAEFIK_VERSION} (built once: ~20 min cold on 2 cores, then cached)`,
    run: runBuildPrograms,
    node: true,
  },
  { title: 'certificates and kubeconfigs', run: runCerts },
  { title: 'node network', run: runNetwork },
  { title: 'shared mount for the state dir', run: runMounts },
  { title: 'etcd', run: runEtcd },
  { title: 'kube-apiserver', run: runApiserver },
  { title: 'kube-controller-manager', run: runControllerManager, node: true },
  { title: 'kube-scheduler', run: runScheduler, node: true },
  { title: 'containerd', run: runContainerd, node: true },
  { title: 'images (pause, base, CoreDNS; toe and tool images continue in the background)', run: runImages, node: true },
  { title: 'CNI config', run: runCni, node: true },
  { title: 'kubelet', run: runKubelet, node: true },
  { title: 'kube-proxy', run: runKubeProxy, node: true },
  // These two load the Kubernetes client (seconds of import), which the API-server-only mode never pays for.
  { title: 'CoreDNS', run: async (ctx) => (await import('./steps/dns.ts')).runDns(ctx), node: true },
  {
    title: `Ingress controller (Traefik ${TRAEFIK_VERSION}, IngressClass ${INGRESS_CLASS}, http://${network.nodeIp})`,
    run: async (ctx) => (await import('./steps/ingress.ts')).runIngress(ctx),
    node: true,
  },
  {
    title: 'waiting ≤ 3m for the node to be Ready and DNS to answer',
    run: async (ctx) => (await import('./steps/wait-ready.ts')).runWaitReady(ctx),
    node: true,
  },
  { title: 'toe and tool images (src/images/toe-image.yaml, powertools/*/image.yaml)', run: runToolImages, node: true },
];

export function stepsFor(mode: Mode): string[] {
  return plan.filter((s) => mode === 'node' || !s.node).map((s) => s.title);
}

export interface UpResult {
  alreadyRunning: boolean;
  kubeconfig: string;
}

export interface UpOptions {
  /** Keep what a failed run started, for debugging. */
  retain?: boolean;
  /** Start with an empty etcd when the cluster is not running (test harnesses: no objects left by earlier runs). */
  fresh?: boolean;
}

/**
 * Brings the cluster up to `mode`. Checks everything first; if a step fails, undoes what this run started (unless
 * `retain`), so a failed `up` leaves the machine as it was. A cluster that is already up is reported, not touched.
 */
export async function up(l: Layout, mode: Mode, progress: Progress, opts: UpOptions = {}): Promise<UpResult> {
  return withLock(`${l.stateDir}.lock`, 120_000, async () => {
    let state = await readState(l.stateFile);
    if (await isUp(state, mode)) return { alreadyRunning: true, kubeconfig: l.kubeconfig };
    const problems = await preflight(mode, state);
    if (problems.length) throw new Error(`cannot bring the cluster up:\n${problems.map((p) => `  * ${p}`).join('\n')}`);
    // Before anything that could send to the cluster's ranges: from here on they never leave the machine.
    await ensureUnreachableRoutes();
    const wasRunning = (await runningDaemons(state)).length > 0;
    if (state && !wasRunning) {
      // Left over from a crash or a reboot: clear its mounts and settings before starting afresh.
      await teardown(l, state, progress);
      state = undefined;
    }
    if (opts.fresh && !wasRunning) {
      // Nothing runs, so no one else is using this data: start from an empty etcd, as envtest does for each suite.
      await rm(l.etcdDir, { recursive: true, force: true });
    }
    state ??= emptyState(KUBERNETES_VERSION, COREDNS_VERSION);
    state.traefikVersion = TRAEFIK_VERSION;
    if (mode === 'node') state.mode = 'node';
    const ctx: Context = { layout: l, state, progress, log: logger('cluster'), startedAt: Date.now(), background: new Map() };
    await ensureCgroup();
    await saveState(ctx);
    if (mode === 'node') {
      // Start loading the Kubernetes client now: its seconds of import overlap the waits for etcd and the API server.
      void import('./steps/dns.ts').catch(() => undefined);
    }
    try {
      for (const step of plan) {
        if (step.node && mode !== 'node') continue;
        await runStep(progress, step.title, () => step.run(ctx));
      }
    } catch (err) {
      if (!opts.retain && !wasRunning) {
        progress.warn('undoing this run (use --retain to keep it for debugging)');
        await teardown(l, ctx.state, progress).catch((e: unknown) => progress.warn(`cleanup failed too: ${String(e)}`));
      }
      throw err;
    }
    return { alreadyRunning: false, kubeconfig: l.kubeconfig };
  });
}
