/**
 * The webhook configurations that send PowerTool CREATE and UPDATE to admission, with the caBundle of the
 * certificates it serves. Registered (read + replace, or create) at each start and refresh: the operator owns
 * them, so a hand edit or a deleted configuration is put back.
 */
import type {
  AdmissionregistrationV1Api,
  V1MutatingWebhook,
  V1MutatingWebhookConfiguration,
  V1ValidatingWebhook,
  V1ValidatingWebhookConfiguration,
  AdmissionregistrationV1WebhookClientConfig,
} from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../api/index.ts';
import { classify } from '../../kube/errors.ts';

export const WEBHOOK_CONFIGURATION_NAME = 'toe-powertools';
/** The names kubectl shows in `admission webhook "…" denied the request`. */
export const VALIDATING_WEBHOOK_NAME = 'validate.powertools.toe.dev';
export const MUTATING_WEBHOOK_NAME = 'mutate.powertools.toe.dev';

/** How the API server reaches admission: a URL (the operator runs on the host) or a Service (in the cluster). */
export type ClientConfig = { url: string } | { service: { namespace: string; name: string; port?: number } };

export function webhookClientConfig(
  config: ClientConfig,
  path: '/validate' | '/mutate',
  caBundle: string,
): AdmissionregistrationV1WebhookClientConfig {
  // caBundle is []byte in the API, so base64 on the wire.
  const ca = Buffer.from(caBundle).toString('base64');
  if ('url' in config) return { url: `${config.url.replace(/\/+$/, '')}${path}`, caBundle: ca };
  return {
    service: { namespace: config.service.namespace, name: config.service.name, port: config.service.port ?? 443, path },
    caBundle: ca,
  };
}

/** The host names and addresses the serving certificate must cover for this client config. */
export function hostsFor(config: ClientConfig): string[] {
  if ('url' in config) return [new URL(config.url).hostname];
  const { name, namespace } = config.service;
  // The API server dials <service>.<namespace>.svc; the longer form serves clients that use the cluster domain.
  return [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}

const common = (clientConfig: AdmissionregistrationV1WebhookClientConfig) => ({
  clientConfig,
  rules: [{ apiGroups: [GROUP], apiVersions: [VERSION], resources: ['powertools'], operations: ['CREATE', 'UPDATE'], scope: 'Namespaced' }],
  // Fail closed: a PowerTool admitted while the webhook is down would carry no requester and skip the allowlist
  // at apply time (the controller still re-checks it before injecting).
  failurePolicy: 'Fail',
  matchPolicy: 'Equivalent',
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  timeoutSeconds: 5,
});

const labels = {
  'app.kubernetes.io/name': 'toe',
  'app.kubernetes.io/component': 'admission',
  'app.kubernetes.io/managed-by': 'toe-operator',
};

export function validatingConfiguration(config: ClientConfig, caBundle: string): V1ValidatingWebhookConfiguration {
  const webhook: V1ValidatingWebhook = { name: VALIDATING_WEBHOOK_NAME, ...common(webhookClientConfig(config, '/validate', caBundle)) };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: WEBHOOK_CONFIGURATION_NAME, labels },
    webhooks: [webhook],
  };
}

export function mutatingConfiguration(config: ClientConfig, caBundle: string): V1MutatingWebhookConfiguration {
  const webhook: V1MutatingWebhook = {
    name: MUTATING_WEBHOOK_NAME,
    ...common(webhookClientConfig(config, '/mutate', caBundle)),
    // Run again if a later mutating webhook touched the object, so nothing after us can rewrite the requester.
    reinvocationPolicy: 'IfNeeded',
  };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: WEBHOOK_CONFIGURATION_NAME, labels },
    webhooks: [webhook],
  };
}

/** Creates or replaces both configurations; a replace that changes nothing is a no-op in the API server. */
export async function registerWebhooks(api: AdmissionregistrationV1Api, config: ClientConfig, caBundle: string): Promise<void> {
  const name = WEBHOOK_CONFIGURATION_NAME;
  const validating = validatingConfiguration(config, caBundle);
  await upsert(
    () => api.readValidatingWebhookConfiguration({ name }),
    (resourceVersion) =>
      api.replaceValidatingWebhookConfiguration({ name, body: { ...validating, metadata: { ...validating.metadata, resourceVersion } } }),
    () => api.createValidatingWebhookConfiguration({ body: validating }),
  );
  const mutating = mutatingConfiguration(config, caBundle);
  await upsert(
    () => api.readMutatingWebhookConfiguration({ name }),
    (resourceVersion) =>
      api.replaceMutatingWebhookConfiguration({ name, body: { ...mutating, metadata: { ...mutating.metadata, resourceVersion } } }),
    () => api.createMutatingWebhookConfiguration({ body: mutating }),
  );
}

async function upsert(
  read: () => Promise<{ metadata?: { resourceVersion?: string } }>,
  replace: (rv: string | undefined) => Promise<unknown>,
  create: () => Promise<unknown>,
): Promise<void> {
  // Two replicas register the same content at once: a conflict means the other one just wrote; try again.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const current = await read().catch((err: unknown) => {
        if (classify(err) === 'gone') return undefined;
        throw err;
      });
      await (current ? replace(current.metadata?.resourceVersion) : create());
      return;
    } catch (err) {
      if (classify(err) !== 'conflict') throw err;
    }
  }
  throw new Error(`webhook configuration ${WEBHOOK_CONFIGURATION_NAME} kept changing while admission registered it`);
}
