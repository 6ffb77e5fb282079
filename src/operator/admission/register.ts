/**
 * The webhook configurations that send PowerTool CREATE and UPDATE to admission, with the caBundle of the
 * certificates it serves. Registered (read + replace, or create) at each start and refresh: the operator owns
 * them, so a hand edit, a deleted configuration, or one left behind by an operator that died (pointing at a port
 * nothing answers on) is put back as this operator's own. A host-run operator removes them again when it stops
 * (`deregisterWebhooks`), but only while they are still its own, so it never removes a newer operator's.
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
  // Schedules and scenarios too: their templates are admitted as their PowerTools would be, so a bad one is refused
  // at apply time.
  rules: [
    {
      apiGroups: [GROUP],
      apiVersions: [VERSION],
      resources: ['powertools', 'powertoolschedules', 'powertoolscenarios'],
      operations: ['CREATE', 'UPDATE'],
      scope: 'Namespaced',
    },
  ],
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
  const base = common(webhookClientConfig(config, '/mutate', caBundle));
  const webhook: V1MutatingWebhook = {
    name: MUTATING_WEBHOOK_NAME,
    ...base,
    // The requester of an EmergencyStop is its audit record (who pulled it), written the same way.
    rules: [
      ...base.rules,
      { apiGroups: [GROUP], apiVersions: [VERSION], resources: ['emergencystops'], operations: ['CREATE', 'UPDATE'], scope: 'Cluster' },
    ],
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

/** A webhook configuration as far as registering looks at it (validating and mutating alike). */
export type Hooked = { webhooks?: { clientConfig: AdmissionregistrationV1WebhookClientConfig }[]; metadata?: { resourceVersion?: string } };

/** Where a registered configuration sends reviews: its webhooks' URLs or Services, for logs. */
export function targetsOf(current: Hooked): string[] {
  return (current.webhooks ?? []).map(
    ({ clientConfig: c }) =>
      c.url ?? (c.service ? `service ${c.service.namespace}/${c.service.name}:${c.service.port ?? 443}${c.service.path ?? ''}` : '?'),
  );
}

/** Whether a registered configuration is exactly what this operator registers: same URL or Service, same caBundle. */
export function isOwnRegistration(current: Hooked, wanted: Hooked): boolean {
  const key = ({ clientConfig: c }: { clientConfig: AdmissionregistrationV1WebhookClientConfig }) =>
    JSON.stringify([
      c.url ?? null,
      c.service ? [c.service.namespace, c.service.name, c.service.port ?? 443, c.service.path ?? null] : null,
      c.caBundle ?? null,
    ]);
  const have = (current.webhooks ?? []).map(key);
  const want = (wanted.webhooks ?? []).map(key);
  return have.length === want.length && have.every((k, i) => k === want[i]);
}

/**
 * Creates or replaces both configurations; a replace that changes nothing is a no-op in the API server. Returns
 * the registrations it replaced that pointed elsewhere (another URL, Service or caBundle), for the log.
 */
export async function registerWebhooks(
  api: AdmissionregistrationV1Api,
  config: ClientConfig,
  caBundle: string,
): Promise<{ kind: string; targets: string[] }[]> {
  const name = WEBHOOK_CONFIGURATION_NAME;
  const replaced: { kind: string; targets: string[] }[] = [];
  const validating = validatingConfiguration(config, caBundle);
  const before = await upsert(
    () => api.readValidatingWebhookConfiguration({ name }),
    (resourceVersion) =>
      api.replaceValidatingWebhookConfiguration({ name, body: { ...validating, metadata: { ...validating.metadata, resourceVersion } } }),
    () => api.createValidatingWebhookConfiguration({ body: validating }),
  );
  if (before && !isOwnRegistration(before, validating)) replaced.push({ kind: 'validating', targets: targetsOf(before) });
  const mutating = mutatingConfiguration(config, caBundle);
  const beforeMutating = await upsert(
    () => api.readMutatingWebhookConfiguration({ name }),
    (resourceVersion) =>
      api.replaceMutatingWebhookConfiguration({ name, body: { ...mutating, metadata: { ...mutating.metadata, resourceVersion } } }),
    () => api.createMutatingWebhookConfiguration({ body: mutating }),
  );
  if (beforeMutating && !isOwnRegistration(beforeMutating, mutating))
    replaced.push({ kind: 'mutating', targets: targetsOf(beforeMutating) });
  return replaced;
}

/** Read, then replace what was read (or create); returns what was there before. */
async function upsert(
  read: () => Promise<Hooked>,
  replace: (rv: string | undefined) => Promise<unknown>,
  create: () => Promise<unknown>,
): Promise<Hooked | undefined> {
  // Two replicas register the same content at once: a conflict means the other one just wrote; try again.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const current = await read().catch((err: unknown) => {
        if (classify(err) === 'gone') return undefined;
        throw err;
      });
      await (current ? replace(current.metadata?.resourceVersion) : create());
      return current;
    } catch (err) {
      if (classify(err) !== 'conflict') throw err;
    }
  }
  throw new Error(`webhook configuration ${WEBHOOK_CONFIGURATION_NAME} kept changing while admission registered it`);
}

export interface Deregistered {
  /** The configurations removed (`validating`, `mutating`). */
  removed: string[];
  /** Those left because another operator registered over ours, with where they point now. */
  kept: { kind: string; targets: string[] }[];
}

/**
 * Removes both configurations if they are still this operator's own (its URL or Service and its caBundle). The
 * delete carries the resourceVersion read, so a registration another operator writes in between is never removed.
 */
export async function deregisterWebhooks(api: AdmissionregistrationV1Api, config: ClientConfig, caBundle: string): Promise<Deregistered> {
  const name = WEBHOOK_CONFIGURATION_NAME;
  const out: Deregistered = { removed: [], kept: [] };
  const steps = [
    {
      kind: 'validating',
      wanted: validatingConfiguration(config, caBundle),
      read: () => api.readValidatingWebhookConfiguration({ name }),
      remove: (resourceVersion?: string) =>
        api.deleteValidatingWebhookConfiguration({ name, body: { preconditions: { resourceVersion } } }),
    },
    {
      kind: 'mutating',
      wanted: mutatingConfiguration(config, caBundle),
      read: () => api.readMutatingWebhookConfiguration({ name }),
      remove: (resourceVersion?: string) => api.deleteMutatingWebhookConfiguration({ name, body: { preconditions: { resourceVersion } } }),
    },
  ];
  for (const step of steps) {
    const current = await step.read().catch((err: unknown) => {
      if (classify(err) === 'gone') return undefined;
      throw err;
    });
    if (!current) continue;
    if (!isOwnRegistration(current, step.wanted)) {
      out.kept.push({ kind: step.kind, targets: targetsOf(current) });
      continue;
    }
    try {
      await step.remove(current.metadata?.resourceVersion);
      out.removed.push(step.kind);
    } catch (err) {
      // Gone: someone removed it first. Conflict: someone wrote it since we read it, so it is no longer ours.
      const cls = classify(err);
      if (cls === 'conflict') out.kept.push({ kind: step.kind, targets: ['changed while stopping'] });
      else if (cls !== 'gone') throw err;
    }
  }
  return out;
}
