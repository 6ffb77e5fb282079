import type { AdmissionregistrationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../api/index.ts';
import { apiMessage } from '../kube/errors.ts';
import { VALIDATING_WEBHOOK_NAME } from '../operator/admission/register.ts';
import { ok, problem, type Finding } from './finding.ts';

/** A tool no config defines: admission refuses it by name, which proves the webhook answered. */
export const PROBE_TOOL = 'toe-check-no-such-tool';

/**
 * Admission is reachable when the API server actually calls it: a server-side dry run of a PowerTool naming a tool
 * that does not exist must come back refused by the webhook. Nothing is stored (dryRun=All), and webhooks with
 * sideEffects None are called on dry runs.
 */
export async function checkAdmission(admission: AdmissionregistrationV1Api, custom: CustomObjectsApi, namespace: string): Promise<Finding> {
  const subject = `webhook ${VALIDATING_WEBHOOK_NAME}`;
  const configs = (await admission.listValidatingWebhookConfiguration()).items;
  const registered = configs.find((c) => (c.webhooks ?? []).some((w) => w.name === VALIDATING_WEBHOOK_NAME));
  if (!registered) {
    return problem(
      'admission',
      'warn',
      subject,
      'no admission webhook is registered: bad arguments are refused only when the operator reconciles, not at kubectl apply',
      'run the operator with admission on (the chart does); it registers the webhook when it starts',
    );
  }
  const body = {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'PowerTool',
    metadata: { name: 'toe-check-probe', namespace },
    spec: { targets: { selector: { matchLabels: { 'toe.dev/check': 'probe' } } }, tool: { name: PROBE_TOOL }, dryRun: true },
  };
  const refusal = await custom
    .createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'powertools', body, dryRun: 'All' })
    .then(() => undefined)
    .catch((err: unknown) => apiMessage(err));
  if (refusal === undefined) {
    return problem(
      'admission',
      'fail',
      subject,
      `registered in ${registered.metadata?.name}, but it did not check a PowerTool in namespace ${namespace} (its namespaceSelector or rules leave it out)`,
      `compare the webhook's namespaceSelector with the labels of namespace ${namespace}`,
    );
  }
  if (refusal.includes(PROBE_TOOL)) return ok('admission', subject, 'the API server calls it and it answers');
  if (/failed calling webhook|connection refused|no endpoints|context deadline|timeout/i.test(refusal)) {
    return problem(
      'admission',
      'fail',
      subject,
      `the API server cannot reach it, so every PowerTool write fails: ${refusal}`,
      `check the operator pods and the Service ${registered.webhooks?.[0]?.clientConfig.service?.name ?? '(url) ' + (registered.webhooks?.[0]?.clientConfig.url ?? '')}; if no operator runs any more: kubectl delete validatingwebhookconfiguration ${registered.metadata?.name}`,
    );
  }
  return problem(
    'admission',
    'warn',
    subject,
    `could not probe it: ${refusal}`,
    'see the access check: creating PowerTools may be forbidden',
  );
}
