/**
 * "Operator processes" for a suite that tests one controller on its own: each with its own clients, informers and
 * queue, leading from the start, as a separate process would be, so a restart or two leaders at once are real.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { makeClients } from '../../src/kube/client.ts';
import { Recorder } from '../../src/kube/recorder.ts';
import { makeCaches, startCaches, stopCaches } from '../../src/operator/caches.ts';
import type { Controller, ControllerDeps } from '../../src/operator/controller.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';

export interface ControllerProcess<C> {
  controller: C;
  stop(): Promise<void>;
}

export interface ControllerProcesses<C> {
  start(name: string): Promise<ControllerProcess<C>>;
  /** Stops every process still running (for after()). */
  stopAll(): Promise<void>;
}

export function controllerProcesses<C extends Controller>(
  suite: string,
  kubeconfig: () => KubeConfig,
  operatorNamespace: string,
  startController: (deps: ControllerDeps) => Promise<C>,
): ControllerProcesses<C> {
  const running: ControllerProcess<C>[] = [];
  return {
    start: async (name) => {
      const log = pino({ level: process.env.TOE_TEST_LOG ?? 'silent' }).child({ test: suite, operator: name });
      const c = makeClients(kubeconfig());
      const caches = makeCaches(c, operatorNamespace, log);
      await startCaches(caches);
      const controller = await startController({
        clients: c,
        caches,
        recorder: new Recorder(c.events, name, log),
        metrics: createMetrics(),
        log,
        hooks: {},
        leading: () => true,
      });
      void controller.lead();
      const handle: ControllerProcess<C> = {
        controller,
        stop: async () => {
          await controller.stop();
          await stopCaches(caches);
          running.splice(running.indexOf(handle), 1);
        },
      };
      running.push(handle);
      return handle;
    },
    stopAll: async () => {
      for (const r of [...running]) await r.stop();
    },
  };
}
