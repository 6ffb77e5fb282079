import { loadKubeConfig, makeClients, type Clients } from '../kube/client.ts';
import type { Lookup } from './complete.ts';

/**
 * Names for completion from the cluster in KUBECONFIG. Each call is bounded and the kubeconfig is read on first use,
 * inside the promise: a <TAB> must never hang on a dead API server or fail on a missing kubeconfig.
 */
export function clusterLookup(operatorNamespace = 'toe-system', timeoutMs = 2000): Lookup {
  let cached: { clients: Clients; namespace: string } | undefined;
  const connect = async (): Promise<{ clients: Clients; namespace: string }> => {
    if (!cached) {
      const kc = loadKubeConfig();
      cached = { clients: makeClients(kc), namespace: kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default' };
    }
    return cached;
  };
  const bounded = <T>(work: (c: { clients: Clients; namespace: string }) => Promise<T>): Promise<T> =>
    Promise.race([
      connect().then(work),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
  return {
    tools: () =>
      bounded(async ({ clients }) => (await clients.resources.configs.list(operatorNamespace)).items.map((c) => c.spec.tool.name)),
    powerTools: (ns) =>
      bounded(async ({ clients, namespace }) =>
        (await clients.resources.powerTools.list(ns ?? namespace)).items.map((p) => p.metadata.name),
      ),
    namespaces: () => bounded(async ({ clients }) => (await clients.core.listNamespace()).items.map((n) => n.metadata?.name ?? '')),
  };
}
