import { startCluster } from './cluster.ts';

/**
 * A real single-node cluster for end-to-end suites: the cluster KUBECONFIG points to, a running toe cluster, or
 * `toe cluster up` (≤ 60 s warm; the first run on a machine builds Kubernetes from source). `stop` only stops what
 * it started.
 */
export async function startNode(): Promise<{ kubeconfigPath: string; stop: () => Promise<void> }> {
  return startCluster('node');
}
