/**
 * The manager: informers, one queue per controller, leader election, admission, and the /metrics, /healthz and
 * /readyz endpoints. Start order: HTTP and caches (every replica, so admission and health work on standbys too),
 * then the Lease, then the controllers; stop order is the reverse.
 */
import express from 'express';
import { createServer } from 'node:http';
import type { Logger } from 'pino';
import type { KubeConfig } from '@kubernetes/client-node';
import { makeClients } from '../kube/client.ts';
import { apiMessage, classify } from '../kube/errors.ts';
import { Recorder } from '../kube/recorder.ts';
import { listen } from '../net/listen.ts';
import { logger, type Component } from '../telemetry/log.ts';
import { createMetrics, type Metrics } from '../telemetry/metrics.ts';
import { runGauges } from './powertool/gauges.ts';
import { makeCaches, startCaches, stopCaches } from './caches.ts';
import { DEFAULT_LEADER_OPTIONS, LeaderElector } from './leader.ts';
import type { Outcome } from './queue.ts';
import type { Controller, ControllerDeps } from './controller.ts';
import { startEmergencyStopController } from './emergency-stop/controller.ts';
import { startPowerToolController } from './powertool/controller.ts';
import { stopTool } from './powertool/stop-command.ts';
import { startPowerToolConfigController } from './powertoolconfig/controller.ts';
import type { ToolPrivileges } from './powertoolconfig/check.ts';
import { startProcessingController, type ProcessingOptions } from './powertoolprocessing/controller.ts';
import { startScenarioController } from './powertoolscenario/controller.ts';
import { startScheduleController } from './powertoolschedule/controller.ts';

/** The operator's ServiceAccount (the chart's); the collector's --reader allowlist names it by default. */
export const OPERATOR_SERVICE_ACCOUNT = 'toe-operator';

export interface ManagerOptions {
  operatorNamespace: string;
  identity: string;
  http: { host: string; port: number };
  leaderElection: boolean;
  leaseName: string;
  collectorUrl?: string;
  injectConcurrency: number;
  privileges: ToolPrivileges;
  /** Starts admission on every replica; the manager passes what it needs. */
  /** Fields added to every log line (tests name themselves this way). */
  logBindings?: Record<string, unknown>;
  admission?: (deps: {
    clients: ReturnType<typeof makeClients>;
    caches: ReturnType<typeof makeCaches>;
    metrics: Metrics;
    log: Logger;
  }) => Promise<{ stop(): Promise<void> }>;
  /** Runs the PowerToolProcessing controller (reports); the collector URL and reader identity come from above. */
  processing?: Omit<ProcessingOptions, 'collectorUrl' | 'serviceAccount'>;
}

export interface Manager {
  /** Resolves when leadership is lost (the caller exits) — never while the manager runs normally. */
  lost: Promise<void>;
  httpPort: number;
  /** Where this replica serves reports, when the processing controller runs with a bind address. */
  reportsPort?: number;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function startManager(kc: KubeConfig, opts: ManagerOptions): Promise<Manager> {
  const extra = opts.logBindings ?? {};
  const log = logger('operator', extra);
  const clients = makeClients(kc);
  const metrics = createMetrics();
  const caches = makeCaches(clients, opts.operatorNamespace, log);
  let leading = false;
  let cachesSynced = false;

  const app = express();
  app.get('/metrics', async (_req, res) => {
    setRunGauges(metrics, caches.powerTools.list(), new Date());
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/healthz', (_req, res) => void res.send('ok'));
  app.get('/readyz', (_req, res) => void (cachesSynced ? res.send('ok') : res.status(503).send('caches not synced')));
  const server = createServer(app);
  const httpPort = (await listen(server, opts.http, '--http-bind')).port;
  const closeServer = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  // What started so far, stopped in reverse if a later step fails, so a failed start leaves nothing running
  // (an open server or informer would keep `toe operator` from exiting with its error).
  const undo: Array<() => Promise<unknown>> = [closeServer];
  const unwind = async (err: unknown): Promise<never> => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  };
  undo.push(() => stopCaches(caches));
  await startCaches(caches).catch(unwind);
  cachesSynced = true;
  const admission = opts.admission ? await opts.admission({ clients, caches, metrics, log }).catch(unwind) : undefined;
  if (admission) undo.push(() => admission.stop());

  const recorder = new Recorder(clients.events, opts.identity, log);
  const hooks = (controller: string) => ({
    onResult: (key: string, outcome: Outcome, seconds: number, err?: unknown) => {
      metrics.reconcileTotal.inc({ controller, result: outcome });
      metrics.reconcileDuration.observe({ controller }, seconds);
      if (outcome === 'terminal') {
        metrics.reconcileErrors.inc({ controller });
        log.warn({ controller, key, err: apiMessage(err) }, 'reconcile failed; not retried until the object changes');
      } else if (outcome === 'error') {
        metrics.reconcileErrors.inc({ controller });
        // A conflict means our cache was behind; the retry reads fresh data. Only other errors deserve a warning.
        const level = classify(err) === 'conflict' ? 'debug' : 'warn';
        log[level]({ controller, key, err: apiMessage(err) }, 'reconcile failed; will retry');
      }
    },
    onDepth: (depth: number) => metrics.queueDepth.set({ controller }, depth),
  });
  const deps = (controller: string, logName: Component): ControllerDeps => ({
    clients,
    caches,
    recorder,
    metrics,
    log: logger(logName, { ...extra, controller }),
    hooks: hooks(controller),
    leading: () => leading,
  });
  const controllers: Controller[] = [
    startPowerToolController(deps('powertool', 'operator.powertool'), {
      operatorNamespace: opts.operatorNamespace,
      collectorUrl: opts.collectorUrl,
      privileges: opts.privileges,
      injectConcurrency: opts.injectConcurrency,
      stopTool: (ns, pod, container) => stopTool(kc, ns, pod, container),
    }),
    startPowerToolConfigController(deps('powertoolconfig', 'operator.powertoolconfig'), opts.privileges),
    startEmergencyStopController(deps('emergencystop', 'operator.emergencystop')),
  ];
  // The PowerToolProcessing controller also brings its own informer and reports server (powertoolprocessing/).
  const processing = opts.processing
    ? await startProcessingController(deps('powertoolprocessing', 'operator.processing'), {
        ...opts.processing,
        collectorUrl: opts.collectorUrl,
        serviceAccount: { namespace: opts.operatorNamespace, name: OPERATOR_SERVICE_ACCOUNT },
      }).catch(unwind)
    : undefined;
  if (processing) controllers.push(processing);
  controllers.push(await startScheduleController(deps('powertoolschedule', 'operator.schedule')).catch(unwind));
  controllers.push(await startScenarioController(deps('powertoolscenario', 'operator.scenario')).catch(unwind));

  const abort = new AbortController();
  const elector = opts.leaderElection
    ? new LeaderElector(
        clients.coordination,
        { ...DEFAULT_LEADER_OPTIONS, namespace: opts.operatorNamespace, name: opts.leaseName, identity: opts.identity },
        log,
      )
    : undefined;

  const lead = (): void => {
    leading = true;
    metrics.leader.set(1);
    for (const c of controllers) void c.lead();
  };

  let lostResolve: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => (lostResolve = resolve));
  if (elector) {
    void (async () => {
      if (!(await elector.acquire(abort.signal))) return;
      lead();
      await elector.hold(abort.signal).catch((err: unknown) => {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'leadership lost');
        leading = false;
        metrics.leader.set(0);
        lostResolve();
      });
    })();
  } else {
    lead();
  }

  return {
    lost,
    httpPort,
    reportsPort: processing?.port,
    metrics,
    async stop() {
      abort.abort();
      leading = false;
      await Promise.all(controllers.map((c) => c.stop()));
      await admission?.stop();
      await elector?.release().catch(() => undefined);
      await stopCaches(caches);
      await closeServer();
    },
  };
}

/** The run gauges from the cache at scrape time; a tool no run uses any more drops out instead of staying at 0. */
function setRunGauges(metrics: Metrics, pts: Parameters<typeof runGauges>[0], now: Date): void {
  const { active, pastDeadline, phases } = runGauges(pts, now);
  metrics.activeTools.reset();
  metrics.toolsPastDeadline.reset();
  metrics.powerTools.reset();
  for (const [phase, n] of phases) metrics.powerTools.set({ phase }, n);
  for (const [tool, n] of active) metrics.activeTools.set({ tool }, n);
  for (const [tool, n] of pastDeadline) metrics.toolsPastDeadline.set({ tool }, n);
}
