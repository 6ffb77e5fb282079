import { PolicyV1Api, type V1Namespace, type V1Pod, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, VERSION, type EmergencyStop, type PowerTool, type PowerToolConfig } from '../api/index.ts';
import type { Clients } from '../kube/client.ts';
import { watchedCache, type WatchedCache } from '../kube/informer.ts';

export interface OperatorCaches {
  powerTools: WatchedCache<PowerTool & { kind?: string; metadata: { name: string } }>;
  configs: WatchedCache<PowerToolConfig & { kind?: string; metadata: { name: string } }>;
  pods: WatchedCache<V1Pod>;
  namespaces: WatchedCache<V1Namespace>;
  /** Read at selection by disruptive tools (powertool/budgets.ts). */
  budgets: WatchedCache<V1PodDisruptionBudget>;
  /** Cluster-scoped; while one exists every run stops and none starts (emergency-stop/). */
  emergencyStops: WatchedCache<EmergencyStop & { kind?: string; metadata: { name: string } }>;
}

/**
 * The informers every controller reads from; reconciles never LIST. PowerToolConfigs are watched in the operator's
 * namespace only: a config elsewhere defines nothing.
 */
export function makeCaches(clients: Clients, operatorNamespace: string, log: Logger): OperatorCaches {
  const { kc, core, resources } = clients;
  const { powerTools, configs, emergencyStops } = resources;
  return {
    powerTools: watchedCache(kc, `/apis/${GROUP}/${VERSION}/${powerTools.plural}`, () => powerTools.list() as never, log),
    configs: watchedCache(
      kc,
      `/apis/${GROUP}/${VERSION}/namespaces/${operatorNamespace}/${configs.plural}`,
      () => configs.list(operatorNamespace) as never,
      log,
    ),
    pods: watchedCache(kc, '/api/v1/pods', () => core.listPodForAllNamespaces(), log),
    namespaces: watchedCache(kc, '/api/v1/namespaces', () => core.listNamespace(), log),
    budgets: watchedCache(
      kc,
      '/apis/policy/v1/poddisruptionbudgets',
      () => kc.makeApiClient(PolicyV1Api).listPodDisruptionBudgetForAllNamespaces(),
      log,
    ),
    emergencyStops: watchedCache(kc, `/apis/${GROUP}/${VERSION}/${emergencyStops.plural}`, () => emergencyStops.list() as never, log),
  };
}

export async function startCaches(caches: OperatorCaches): Promise<void> {
  await Promise.all(Object.values(caches).map((c: WatchedCache<never>) => c.start()));
}

export async function stopCaches(caches: OperatorCaches): Promise<void> {
  await Promise.all(Object.values(caches).map((c: WatchedCache<never>) => c.stop()));
}
