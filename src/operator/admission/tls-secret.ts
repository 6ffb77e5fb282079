/**
 * The webhook's certificates, shared by every replica through one Secret in the operator's namespace.
 *
 * Why a Secret and not fresh certificates at each start: the API server trusts one caBundle per webhook
 * configuration, and a Service spreads admission requests over every replica (admission runs on standbys too). If
 * each replica made its own CA at start, the last one to register would win the caBundle and the API server
 * would refuse the others' certificates, failing half the requests under failurePolicy Fail. So the first replica
 * creates the CA and serving certificate and stores them; the next one finds them and serves the same ones.
 * Create and replace carry resourceVersion semantics, so two replicas starting at once cannot both win: the
 * loser gets 409, reads what the winner stored, and uses it.
 *
 * Renewal (near expiry, or a replica needing a name the certificate lacks) re-issues only the serving certificate
 * under the same CA when it can, so the caBundle does not move; when the CA itself is renewed, the previous CA
 * stays in the bundle until it expires, so replicas still serving the old certificate keep working until their
 * next refresh picks up the new one.
 */
import { X509Certificate } from 'node:crypto';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { classify } from '../../kube/errors.ts';
import { generateWebhookTls, hostsOfCert, issueServing, mergeHosts, renewalNeeded, type Hosts, type WebhookTls } from './certs.ts';

export const TLS_SECRET_NAME = 'toe-webhook-tls';
const ATTEMPTS = 5;

export interface SharedTls {
  tls: WebhookTls;
  /** PEM certificates the API server should trust: the CA, and the previous CA while it is still valid. */
  caBundle: string;
}

export async function loadOrCreateTls(core: CoreV1Api, namespace: string, hosts: Hosts, log: Logger, now = new Date()): Promise<SharedTls> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const secret = await readSecret(core, namespace);
    if (!secret) {
      const tls = await generateWebhookTls(hosts, now);
      try {
        await core.createNamespacedSecret({ namespace, body: toSecret(tls, undefined) });
        log.info({ secret: `${namespace}/${TLS_SECRET_NAME}` }, 'webhook certificates created');
        return { tls, caBundle: tls.ca.cert };
      } catch (err) {
        if (classify(err) === 'conflict') continue; // another replica came first: use what it stored
        throw err;
      }
    }
    const stored = fromSecret(secret);
    const needed = stored ? renewalNeeded(stored.tls, hosts, now) : 'all';
    if (stored && needed === 'none') return { tls: stored.tls, caBundle: bundle(stored.tls.ca.cert, stored.previousCa, now) };

    // Keep every name the stored certificate served, so replicas with different needs do not take turns dropping them.
    const wanted = stored ? mergeHosts(hosts, hostsOfCert(stored.tls.serving.cert)) : hosts;
    const tls =
      stored && needed === 'serving'
        ? { ca: stored.tls.ca, serving: await issueServing(stored.tls.ca, wanted, now) }
        : await generateWebhookTls(wanted, now);
    const previousCa = needed === 'all' ? stillValid(stored?.tls.ca.cert, now) : stored?.previousCa;
    try {
      const body = toSecret(tls, previousCa);
      body.metadata = { ...body.metadata, resourceVersion: secret.metadata?.resourceVersion };
      await core.replaceNamespacedSecret({ name: TLS_SECRET_NAME, namespace, body });
      log.info({ secret: `${namespace}/${TLS_SECRET_NAME}`, renewed: needed }, 'webhook certificates renewed');
      return { tls, caBundle: bundle(tls.ca.cert, previousCa, now) };
    } catch (err) {
      if (classify(err) === 'conflict') continue;
      throw err;
    }
  }
  throw new Error(
    `secret ${namespace}/${TLS_SECRET_NAME} kept changing while admission tried to store its certificates (${ATTEMPTS} attempts)`,
  );
}

async function readSecret(core: CoreV1Api, namespace: string): Promise<V1Secret | undefined> {
  try {
    return await core.readNamespacedSecret({ name: TLS_SECRET_NAME, namespace });
  } catch (err) {
    if (classify(err) === 'gone') return undefined;
    throw err;
  }
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const text = (data: Record<string, string> | undefined, key: string): string | undefined =>
  data?.[key] ? Buffer.from(data[key], 'base64').toString('utf8') : undefined;

function toSecret(tls: WebhookTls, previousCa: string | undefined): V1Secret {
  return {
    metadata: {
      name: TLS_SECRET_NAME,
      labels: {
        'app.kubernetes.io/name': 'toe',
        'app.kubernetes.io/component': 'admission',
        'app.kubernetes.io/managed-by': 'toe-operator',
      },
    },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': b64(tls.serving.cert),
      'tls.key': b64(tls.serving.key),
      'ca.crt': b64(tls.ca.cert),
      // The CA key lives beside the serving key: whoever can read one can already impersonate the webhook.
      'ca.key': b64(tls.ca.key),
      ...(previousCa ? { 'ca-previous.crt': b64(previousCa) } : {}),
    },
  };
}

function fromSecret(secret: V1Secret): { tls: WebhookTls; previousCa?: string } | undefined {
  const [cert, key, caCert, caKey] = ['tls.crt', 'tls.key', 'ca.crt', 'ca.key'].map((k) => text(secret.data, k));
  if (!cert || !key || !caCert || !caKey) return undefined;
  return { tls: { ca: { cert: caCert, key: caKey }, serving: { cert, key } }, previousCa: text(secret.data, 'ca-previous.crt') };
}

function stillValid(pem: string | undefined, now: Date): string | undefined {
  if (!pem) return undefined;
  try {
    return Date.parse(new X509Certificate(pem).validTo) > now.getTime() ? pem : undefined;
  } catch {
    return undefined;
  }
}

function bundle(ca: string, previous: string | undefined, now: Date): string {
  const old = stillValid(previous, now);
  return old && old !== ca ? `${ca.trimEnd()}\n${old.trimEnd()}\n` : ca;
}
