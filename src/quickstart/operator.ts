/**
 * The operator in this process, as `toe operator --leader-elect=false` runs it, for the quickstart and the
 * tutorial. On the local toe cluster (whose API server runs on this machine and so reaches loopback) admission
 * runs too, on a free loopback port, so hostile arguments are refused at apply; the webhook configurations found
 * before are put back when it stops.
 */
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { makeClients } from '../kube/client.ts';
import { startManager, type ManagerOptions } from '../operator/manager.ts';
import { DEFAULT_TOOL_PRIVILEGES } from '../operator/powertoolconfig/check.ts';
import { logger } from '../telemetry/log.ts';
import { OPERATOR_NAMESPACE } from './install.ts';
import { restoreWebhooks, snapshotWebhooks, type WebhookSnapshot } from './webhooks.ts';

export interface InProcessOperator {
  /** Admission serves this cluster (hostile args are refused at apply). */
  admission: boolean;
  stop(): Promise<void>;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startOperator(kc: KubeConfig, opts: { admission: boolean; identity: string }): Promise<InProcessOperator> {
  const options: ManagerOptions = {
    operatorNamespace: OPERATOR_NAMESPACE,
    identity: `${opts.identity}-${hostname()}-${process.pid}`,
    http: { host: '127.0.0.1', port: 0 },
    leaderElection: false,
    leaseName: 'toe-operator',
    injectConcurrency: 10,
    privileges: DEFAULT_TOOL_PRIVILEGES,
  };
  let snapshot: WebhookSnapshot | undefined;
  const admissionApi = makeClients(kc).admission;
  if (opts.admission) {
    snapshot = await snapshotWebhooks(admissionApi);
    const port = await freeLoopbackPort();
    options.admission = async (deps) => {
      const { startAdmission } = await import('../operator/admission/index.ts');
      return startAdmission({
        ...deps,
        configs: deps.caches.configs,
        operatorNamespace: OPERATOR_NAMESPACE,
        listen: { host: '127.0.0.1', port },
        clientConfig: { url: `https://127.0.0.1:${port}` },
        log: logger('operator.admission'),
      });
    };
  }
  const restore = async (): Promise<void> => {
    if (snapshot) await restoreWebhooks(admissionApi, snapshot);
  };
  let manager: Awaited<ReturnType<typeof startManager>>;
  try {
    manager = await startManager(kc, options);
  } catch (err) {
    await restore().catch(() => undefined);
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    admission: opts.admission,
    stop: () =>
      (stopping ??= (async () => {
        try {
          await manager.stop();
        } finally {
          await restore();
        }
      })()),
  };
}
