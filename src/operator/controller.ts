/**
 * What the manager holds of each controller: it builds one from the shared parts (clients, informers, recorder,
 * metrics) and calls lead() on gaining the Lease and stop() on the way out. Each controller owns its queue and
 * its watches, so the manager never learns which events one reacts to.
 */
import type { Logger } from 'pino';
import type { Clients } from '../kube/client.ts';
import type { Recorder } from '../kube/recorder.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { OperatorCaches } from './caches.ts';
import type { QueueHooks } from './queue.ts';

export interface Controller {
  /** Becoming leader: visit every object the controller owns. */
  lead(): void | Promise<void>;
  /** Stops the queue (in-flight reconciles finish) and whatever else the controller started. */
  stop(): Promise<void>;
}

export interface ControllerDeps {
  clients: Clients;
  caches: OperatorCaches;
  recorder: Recorder;
  metrics: Metrics;
  log: Logger;
  /** The queue's metric and log hooks, named for this controller. */
  hooks: QueueHooks;
  /** Only the leader reconciles; watches on standbys update indexes and enqueue nothing. */
  leading: () => boolean;
}

export const keyOf = (o: { metadata?: { namespace?: string; name?: string } }): string => `${o.metadata?.namespace}/${o.metadata?.name}`;
