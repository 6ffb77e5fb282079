import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { PowerTool, PowerToolProcessing } from '../../api/index.ts';
import type { Clients } from '../../kube/client.ts';
import type { Cache } from '../../kube/informer.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { ProcessingEvents } from './events.ts';
import type { ServeSettings } from './expose.ts';
import type { Limiter } from './limiter.ts';
import type { ReaderToken } from './reader-token.ts';

export type LiveMeta = {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
};
export type LivePowerTool = PowerTool & { metadata: LiveMeta };
export type LiveProcessing = PowerToolProcessing & { metadata: LiveMeta };

/** What the PowerToolProcessing reconciler works with; the manager builds it once, tests against a real apiserver. */
export interface ProcessingContext {
  clients: Clients;
  caches: {
    processings: Cache<LiveProcessing>;
    powerTools: Cache<LivePowerTool>;
    pods: Cache<V1Pod>;
  };
  /** Where reports are written (and served from, by server.ts). */
  reportsDir: string;
  serve: ServeSettings;
  /** The collector's URL, for runs in output mode collector. */
  collectorUrl?: string;
  readerToken: ReaderToken;
  events: ProcessingEvents;
  metrics: Metrics;
  log: Logger;
  now: () => Date;
  /** At most this many reports build at once, across all processings. */
  builds: Limiter;
  /** Aborts analyses in flight when the operator stops. */
  signal: AbortSignal;
}
