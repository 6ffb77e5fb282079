/**
 * Admission for PowerTools, as the manager starts it on every replica: certificates from the shared Secret, the
 * HTTPS server, then the webhook configurations. Until the last step the API server does not call us, so a
 * replica never receives a review it cannot answer. Every hour the certificates are checked again (renewed a
 * month before expiry, or re-read after another replica renewed them) and the configurations re-registered.
 *
 * Registering replaces whatever was there, so a registration left by an operator that died is repaired at start.
 * A host-run operator (a URL client config) removes its registration when it stops: nothing else answers at its
 * URL, and with failurePolicy Fail a registration left pointing at a closed port refuses every PowerTool write in
 * the cluster. In the cluster (a Service) the registration stays, see `stop`.
 */
import type { Logger } from 'pino';
import type { EmergencyStop, PowerToolConfig } from '../../api/index.ts';
import type { Clients } from '../../kube/client.ts';
import { setTimeout } from 'node:timers/promises';
import { apiMessage, withContext } from '../../kube/errors.ts';
import type { Cache } from '../../kube/informer.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import { activeStop, type LiveEmergencyStop } from '../emergency-stop/active.ts';
import { findConfig } from '../powertool/resolve.ts';
import { hostsOf } from './certs.ts';
import { deregisterWebhooks, hostsFor, registerWebhooks, WEBHOOK_CONFIGURATION_NAME, type ClientConfig } from './register.ts';
import type { ConfigLookup } from './review.ts';
import { createAdmissionApp, listenAdmission } from './server.ts';
import { loadOrCreateTls, TLS_SECRET_NAME } from './tls-secret.ts';

export type { ClientConfig } from './register.ts';

export interface AdmissionOptions {
  clients: Clients;
  /** The operator's informer cache of PowerToolConfigs (its own namespace only). */
  configs: Cache<PowerToolConfig>;
  /** The operator's informer cache of EmergencyStops: while one exists, new PowerTools are refused. */
  emergencyStops?: Cache<EmergencyStop>;
  metrics: Pick<Metrics, 'admissionTotal'>;
  log: Logger;
  operatorNamespace: string;
  listen: { host: string; port: number };
  clientConfig: ClientConfig;
  /** How often to re-check certificates and registration; one hour unless a test says otherwise. */
  refreshMs?: number;
}

export interface Admission {
  /** The port the HTTPS server listens on (useful with port 0). */
  port: number;
  stop(): Promise<void>;
}

// The host-run operator is reached on loopback; the certificate covers it in every mode, so the same Secret
// serves an operator on the host and one in the cluster.
const LOOPBACK = '127.0.0.1';
const BUNDLE_PROPAGATION_MS = 3000;
// The API server drops a deleted webhook configuration through an informer too: keep answering reviews that
// long after deregistering, so writes in that window are reviewed rather than refused with "connection refused".
const DEREGISTER_PROPAGATION_MS = 2000;

export async function startAdmission(opts: AdmissionOptions): Promise<Admission> {
  const { clients, log, operatorNamespace } = opts;
  const hosts = hostsOf([...hostsFor(opts.clientConfig), LOOPBACK]);
  const lookup: ConfigLookup = {
    findConfig: (tool) => findConfig(opts.configs, operatorNamespace, tool),
    knownTools: () => opts.configs.list(operatorNamespace).flatMap((c) => (c.spec?.tool?.name ? [c.spec.tool.name] : [])),
    operatorNamespace,
    emergencyStop: () => activeStop((opts.emergencyStops?.list() ?? []) as LiveEmergencyStop[]),
  };

  const secret = `${operatorNamespace}/${TLS_SECRET_NAME}`;
  let shared = await withContext(`load or create the webhook certificates in secret ${secret}`, () =>
    loadOrCreateTls(clients.core, operatorNamespace, hosts, log),
  );
  const server = await listenAdmission(
    createAdmissionApp({ configs: lookup, metrics: opts.metrics, log }),
    shared.tls.serving,
    opts.listen,
  );
  try {
    const replaced = await withContext(`register the webhook configurations ${WEBHOOK_CONFIGURATION_NAME}`, () =>
      registerWebhooks(clients.admission, opts.clientConfig, shared.caBundle),
    );
    for (const { kind, targets } of replaced)
      log.info({ kind, was: targets }, 'replaced a webhook registration that pointed elsewhere (a stopped or older operator)');
  } catch (err) {
    await server.close();
    throw err;
  }
  log.info({ port: server.port, hosts: [...hosts.dnsNames, ...hosts.ips] }, 'admission serving');

  let refreshing: Promise<void> | undefined;
  const refresh = async (): Promise<void> => {
    const next = await loadOrCreateTls(clients.core, operatorNamespace, hosts, log);
    const bundleChanged = next.caBundle !== shared.caBundle;
    await registerWebhooks(clients.admission, opts.clientConfig, next.caBundle);
    // The API server reads webhook configurations through an informer: let it see a new caBundle before this
    // replica serves a certificate that only the new bundle trusts.
    if (bundleChanged) await setTimeout(BUNDLE_PROPAGATION_MS);
    if (next.tls.serving.cert !== shared.tls.serving.cert) server.reload(next.tls.serving);
    shared = next;
  };
  const timer = setInterval(() => {
    if (refreshing) return;
    refreshing = refresh()
      .catch((err: unknown) => log.warn({ err: apiMessage(err) }, 'admission refresh failed; serving the current certificate'))
      .finally(() => (refreshing = undefined));
  }, opts.refreshMs ?? 3600_000);
  timer.unref();

  const deregister = async (): Promise<void> => {
    try {
      const { removed, kept } = await deregisterWebhooks(clients.admission, opts.clientConfig, shared.caBundle);
      for (const { kind, targets } of kept)
        log.info({ kind, now: targets }, 'webhook registration left: another operator registered since');
      if (removed.length === 0) return;
      log.info({ removed }, 'webhook configurations removed');
      await setTimeout(DEREGISTER_PROPAGATION_MS);
    } catch (err) {
      log.warn(
        { err: apiMessage(err) },
        `could not remove the webhook configurations; if no operator serves them, every PowerTool write fails until: kubectl delete validatingwebhookconfiguration,mutatingwebhookconfiguration ${WEBHOOK_CONFIGURATION_NAME}`,
      );
    }
  };

  return {
    port: server.port,
    async stop() {
      clearInterval(timer);
      // A refresh under way would register the webhooks again after a caller removed them.
      await refreshing;
      // In the cluster the configurations stay: other replicas behind the Service keep serving them, and a
      // missing webhook would let unchecked PowerTools in (the controller still re-checks them before injecting).
      if ('url' in opts.clientConfig) await deregister();
      await server.close();
    },
  };
}
