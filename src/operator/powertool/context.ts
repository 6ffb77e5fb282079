import type { V1Namespace, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { EmergencyStop, PowerTool, PowerToolConfig } from '../../api/index.ts';
import type { Clients } from '../../kube/client.ts';
import type { Cache } from '../../kube/informer.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { ToolPrivileges } from '../powertoolconfig/check.ts';
import type { PowerToolEvents } from './events.ts';

/** What the PowerTool reconciler works with; the manager builds it once, tests build it against a real apiserver. */
export interface PowerToolContext {
  clients: Clients;
  caches: {
    powerTools: Cache<PowerTool>;
    configs: Cache<PowerToolConfig>;
    pods: Cache<V1Pod>;
    namespaces: Cache<V1Namespace>;
    budgets: Cache<V1PodDisruptionBudget>;
    /** While one exists no run starts and every running one stops (emergency-stop.ts). */
    emergencyStops: Cache<EmergencyStop>;
  };
  operatorNamespace: string;
  /** What tools the operator lets run: a config outside it injects nothing, whatever its status says. */
  privileges: ToolPrivileges;
  events: PowerToolEvents;
  metrics: Metrics;
  log: Logger;
  /** The collector's URL as tools reach it; without one, output mode collector is refused. */
  collectorUrl?: string;
  injectConcurrency: number;
  maxInjectAttempts: number;
  now: () => Date;
  stopTool: (namespace: string, pod: string, container: string) => Promise<void>;
}
