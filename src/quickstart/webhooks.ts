/**
 * Admission's webhook configurations as they were before a short-lived operator of ours registered its own, and
 * how to put them back. The operator removes its own URL registration when it stops, but the one it replaced at
 * start (an in-cluster operator's, say) would stay missing: so we restore what was there, or remove what we added.
 */
import type {
  AdmissionregistrationV1Api,
  V1MutatingWebhookConfiguration,
  V1ObjectMeta,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { WEBHOOK_CONFIGURATION_NAME } from '../operator/admission/register.ts';
import { classify } from '../kube/errors.ts';

export interface WebhookSnapshot {
  validating?: V1ValidatingWebhookConfiguration;
  mutating?: V1MutatingWebhookConfiguration;
}

const name = WEBHOOK_CONFIGURATION_NAME;

async function orNothing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (classify(err) === 'gone') return undefined;
    throw err;
  }
}

export async function snapshotWebhooks(api: AdmissionregistrationV1Api): Promise<WebhookSnapshot> {
  const [validating, mutating] = await Promise.all([
    orNothing(api.readValidatingWebhookConfiguration({ name })),
    orNothing(api.readMutatingWebhookConfiguration({ name })),
  ]);
  return { ...(validating ? { validating } : {}), ...(mutating ? { mutating } : {}) };
}

/** The metadata worth restoring (not uid, managedFields, timestamps). */
function meta(m: V1ObjectMeta | undefined, resourceVersion?: string): V1ObjectMeta {
  return {
    name,
    ...(m?.labels ? { labels: m.labels } : {}),
    ...(m?.annotations ? { annotations: m.annotations } : {}),
    ...(resourceVersion ? { resourceVersion } : {}),
  };
}

export async function restoreWebhooks(api: AdmissionregistrationV1Api, snap: WebhookSnapshot): Promise<void> {
  const current = await snapshotWebhooks(api);
  if (snap.validating) {
    const body = { ...snap.validating, metadata: meta(snap.validating.metadata, current.validating?.metadata?.resourceVersion) };
    await (current.validating
      ? api.replaceValidatingWebhookConfiguration({ name, body })
      : api.createValidatingWebhookConfiguration({ body }));
  } else if (current.validating) await orNothing(api.deleteValidatingWebhookConfiguration({ name }));
  if (snap.mutating) {
    const body = { ...snap.mutating, metadata: meta(snap.mutating.metadata, current.mutating?.metadata?.resourceVersion) };
    await (current.mutating ? api.replaceMutatingWebhookConfiguration({ name, body }) : api.createMutatingWebhookConfiguration({ body }));
  } else if (current.mutating) await orNothing(api.deleteMutatingWebhookConfiguration({ name }));
}
