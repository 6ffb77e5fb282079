/**
 * Everything the quickstart checks before its first side effect (kind's create does the same): one line per
 * problem, each saying what to do. `problems` is pure; `gatherFacts` reads the machine.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from '../host/exec.ts';
import { kubernetesDir } from '../cluster/steps/build-kubernetes.ts';
import { freeBytes, type Target } from './target.ts';

const GiB = 1024 ** 3;
/** A cold build needs room for the Go module cache and build cache besides the binaries (README "Disk"). */
export const COLD_CACHE_BYTES = 6 * GiB;
export const WARM_CACHE_BYTES = 1 * GiB;
export const STATE_BYTES = 1 * GiB;

export interface Facts {
  nodeVersion: string;
  platform: string;
  uid: number | undefined;
  target: Pick<Target, 'source' | 'localUp' | 'local' | 'kubeconfig'>;
  /** `go version`'s version, e.g. "1.26.0"; undefined when go is missing. */
  goVersion?: string;
  kubernetesBuilt: boolean;
  cacheDir: string;
  stateDir: string;
  cacheFree?: number;
  stateFree?: number;
  kubeconfigReadable: boolean;
}

/** Is `version` (e.g. "20.19.1") at least `min` (e.g. "20.19")? Missing parts count as 0. */
export function atLeast(version: string, min: string): boolean {
  const a = version.split('.').map((n) => parseInt(n, 10) || 0);
  const b = min.split('.').map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

const gib = (n: number): string => `${(n / GiB).toFixed(1)} GiB`;

export function problems(f: Facts): string[] {
  const out: string[] = [];
  if (!atLeast(f.nodeVersion, '20.19')) out.push(`Node.js 20.19 or newer is needed, this is ${f.nodeVersion}: install a newer Node.js`);
  if (f.target.source === 'env' && !f.kubeconfigReadable)
    out.push(
      `KUBECONFIG names ${f.target.kubeconfig}, which cannot be read: fix the path, or unset KUBECONFIG to use the local toe cluster`,
    );
  const bringsUp = f.target.source === 'local' && !f.target.localUp;
  if (!bringsUp && !f.target.local) return out;
  // From here: the local toe cluster, brought up now, or running and given images by us.
  if (f.platform !== 'linux')
    out.push('the local cluster runs on Linux only (Debian 12): use a Linux machine, or set KUBECONFIG to another cluster');
  if (f.uid !== 0) {
    out.push(
      bringsUp
        ? 'the local cluster needs root (it starts containerd and the kubelet and changes network settings): run `sudo npx toe quickstart`, or set KUBECONFIG to a cluster you can use'
        : "importing the sample images into the local cluster's containerd needs root: run it as root",
    );
  }
  if (!bringsUp) return out;
  if (f.goVersion === undefined) out.push('Go 1.24 or newer is needed to build Kubernetes from its modules: install Go and put it on PATH');
  else if (!atLeast(f.goVersion, '1.24'))
    out.push(`Go 1.24 or newer is needed to build Kubernetes, found go${f.goVersion}: install a newer Go`);
  const cacheNeed = f.kubernetesBuilt ? WARM_CACHE_BYTES : COLD_CACHE_BYTES;
  if (f.cacheFree !== undefined && f.cacheFree < cacheNeed) {
    out.push(
      `${f.cacheDir} has ${gib(f.cacheFree)} free, ${f.kubernetesBuilt ? 'images need' : 'building Kubernetes once needs'} about ${gib(cacheNeed)}: free some space or set TOE_CACHE_DIR to a larger disk`,
    );
  }
  if (f.stateFree !== undefined && f.stateFree < STATE_BYTES) {
    out.push(
      `${f.stateDir} has ${gib(f.stateFree)} free, the cluster's state needs about ${gib(STATE_BYTES)}: free some space or set TOE_STATE_DIR to a larger disk`,
    );
  }
  return out;
}

async function goVersion(): Promise<string | undefined> {
  const out = await exec('go', ['version']).catch(() => undefined);
  return out === undefined ? undefined : /go(\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1];
}

export async function gatherFacts(target: Target): Promise<Facts> {
  const l = target.layout;
  const bringsUp = target.source === 'local' && !target.localUp;
  return {
    nodeVersion: process.versions.node,
    platform: process.platform,
    uid: process.getuid?.(),
    target,
    ...(bringsUp ? { goVersion: await goVersion() } : {}),
    kubernetesBuilt: await access(join(kubernetesDir(l.cacheDir), 'bin', 'kube-apiserver')).then(
      () => true,
      () => false,
    ),
    cacheDir: l.cacheDir,
    stateDir: l.stateDir,
    cacheFree: await freeBytes(l.cacheDir),
    stateFree: await freeBytes(l.stateDir),
    kubeconfigReadable:
      target.source === 'local' ||
      (await access(target.kubeconfig).then(
        () => true,
        () => false,
      )),
  };
}
