/**
 * Which cluster the quickstart (and the tutorial) works on. KUBECONFIG set: that cluster, as kubectl would. Unset:
 * the local toe cluster, brought up when it is not running. Either way we note whether it is the local toe
 * cluster, because only then can we build and import the images ourselves and serve admission on loopback (its
 * API server runs on this machine).
 */
import { readFile, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { layout, type Layout } from '../cluster/layout.ts';
import { isRunning } from '../cluster/daemon.ts';
import { isUp } from '../cluster/modes.ts';
import { readState } from '../cluster/state.ts';

export interface Target {
  /** The kubeconfig file to use. */
  kubeconfig: string;
  /** From KUBECONFIG (the user's cluster) or the local toe cluster. */
  source: 'env' | 'local';
  /** The local toe cluster runs its full node now. */
  localUp: boolean;
  /** The kubeconfig points at the local toe cluster and its containerd runs (so images and loopback admission work). */
  local: boolean;
  layout: Layout;
}

/** The first cluster's server URL in a kubeconfig file, or undefined when the file cannot be read. */
export async function serverOf(file: string): Promise<string | undefined> {
  try {
    const doc = parse(await readFile(file, 'utf8')) as {
      'current-context'?: string;
      contexts?: { name: string; context: { cluster: string } }[];
      clusters?: { name: string; cluster: { server: string } }[];
    };
    const context = doc.contexts?.find((c) => c.name === doc['current-context']) ?? doc.contexts?.[0];
    const cluster = doc.clusters?.find((c) => c.name === context?.context.cluster) ?? doc.clusters?.[0];
    return cluster?.cluster.server;
  } catch {
    return undefined;
  }
}

export async function chooseTarget(env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const l = layout(env);
  const state = await readState(l.stateFile).catch(() => undefined);
  const localUp = await isUp(state, 'node');
  const fromEnv = env.KUBECONFIG?.split(':')[0];
  if (!fromEnv) return { kubeconfig: l.kubeconfig, source: 'local', localUp, local: true, layout: l };
  const [mine, theirs] = await Promise.all([serverOf(l.kubeconfig), serverOf(fromEnv)]);
  const local = mine !== undefined && mine === theirs && (await isRunning(state?.daemons.containerd));
  return { kubeconfig: fromEnv, source: 'env', localUp, local, layout: l };
}

/** Free bytes on the filesystem holding `path`, or of its closest existing parent. */
export async function freeBytes(path: string): Promise<number | undefined> {
  for (let p = path; ; p = dirname(p)) {
    const s = await statfs(p).catch(() => undefined);
    if (s) return s.bavail * s.bsize;
    if (p === dirname(p)) return undefined;
  }
}
