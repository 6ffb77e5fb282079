import { Steps } from '../../src/cli/output.ts';
import { down } from '../../src/cluster/down.ts';
import { layout } from '../../src/cluster/layout.ts';
import { isUp, type Mode } from '../../src/cluster/modes.ts';
import { readState } from '../../src/cluster/state.ts';

export interface Cluster {
  kubeconfigPath: string;
  /** Stops what this call started; a cluster it reused (KUBECONFIG, or a running toe cluster) is left alone. */
  stop: () => Promise<void>;
  /** True when this call started the cluster. */
  started: boolean;
}

const noop = async (): Promise<void> => undefined;

/**
 * Start or reuse, in this order: the cluster KUBECONFIG points to (any cluster, kind included); a running toe
 * cluster that covers `mode` (a full node also serves API-server-only suites); otherwise `toe cluster up` in
 * `mode` with an empty etcd, which this harness then takes down again unless TOE_KEEP_CLUSTER is set.
 */
export async function startCluster(mode: Mode): Promise<Cluster> {
  if (process.env.KUBECONFIG) return { kubeconfigPath: process.env.KUBECONFIG, stop: noop, started: false };
  const l = layout();
  if (await isUp(await readState(l.stateFile), mode)) return { kubeconfigPath: l.kubeconfig, stop: noop, started: false };
  const steps = new Steps(process.stderr);
  const { up } = await import('../../src/cluster/up.ts');
  const started = Date.now();
  // A cluster this harness starts begins empty, so no suite sees objects an earlier run left behind.
  await up(l, mode, steps, { fresh: true });
  process.stderr.write(`harness: ${mode === 'node' ? 'node' : 'API server'} ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  const stop = async (): Promise<void> => {
    if (process.env.TOE_KEEP_CLUSTER) return;
    await down(l, steps);
  };
  return { kubeconfigPath: l.kubeconfig, stop, started: true };
}
