import { startCluster } from './cluster.ts';

/**
 * A real etcd + kube-apiserver for integration suites (no kubelet): the cluster KUBECONFIG points to, a running toe
 * cluster, or `toe cluster up --apiserver-only` (≤ 15 s warm). `stop` only stops what it started.
 */
export async function startApiserver(): Promise<{ kubeconfigPath: string; stop: () => Promise<void> }> {
  return startCluster('apiserver');
}
