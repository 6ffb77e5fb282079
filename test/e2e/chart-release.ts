/**
 * What the chart suite (chart.test.ts) needs around a Helm release on a cluster other suites also use: the
 * cluster-scoped objects both the chart and those suites create, set aside and put back, and the evidence kept
 * when a step fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RbacAuthorizationV1Api,
  type V1ClusterRole,
  type V1ClusterRoleBinding,
  type V1MutatingWebhookConfiguration,
  type V1Pod,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import type { Clients } from '../../src/kube/client.ts';
import { statusCode } from '../../src/kube/errors.ts';
import { WEBHOOK_CONFIGURATION_NAME } from '../../src/operator/admission/register.ts';
import type { Helm } from '../harness/helm.ts';
import { ignoreExists } from '../integration/kube.ts';

export const notFound = (err: unknown): boolean => statusCode(err) === 404;

/** The ClusterRoles and bindings of the chart that operatorKubeConfig (test/integration/kube.ts) also creates. */
const SHARED_RBAC = ['toe-operator', 'toe-collector'];

export interface SetAside {
  roles: V1ClusterRole[];
  bindings: V1ClusterRoleBinding[];
  validating?: V1ValidatingWebhookConfiguration;
  mutating?: V1MutatingWebhookConfiguration;
}

const helmRelease = (o: { metadata?: { annotations?: Record<string, string> } }) =>
  o.metadata?.annotations?.['meta.helm.sh/release-namespace'];

/**
 * Moves the ClusterRoles and bindings the chart creates out of Helm's way (it refuses to take over objects it did
 * not make): kept to be put back when another suite made them, dropped when a release of an interrupted run left
 * them in a namespace that no longer exists; refuses when a live release owns them. Also keeps the webhook
 * configurations as they are, for putBack.
 */
export async function setAside(clients: Clients): Promise<SetAside> {
  const rbac = clients.kc.makeApiClient(RbacAuthorizationV1Api);
  const saved: SetAside = { roles: [], bindings: [] };
  // True when the object was made outside Helm (keep it to put back); throws when a live release owns it.
  const keep = async (o: V1ClusterRole | V1ClusterRoleBinding): Promise<boolean> => {
    const owner = helmRelease(o);
    if (!owner) return true;
    const alive = await clients.core.readNamespace({ name: owner }).then(
      () => true,
      (err: unknown) => (notFound(err) ? false : Promise.reject(err)),
    );
    if (alive)
      throw new Error(
        `${o.kind ?? 'object'} ${o.metadata?.name} belongs to a Helm release in namespace ${owner}: uninstall it before running this suite`,
      );
    return false;
  };
  const orNone = (err: unknown) => (notFound(err) ? undefined : Promise.reject(err));
  for (const name of SHARED_RBAC) {
    const role = await rbac.readClusterRole({ name }).catch(orNone);
    if (role) {
      if (await keep(role)) saved.roles.push(role);
      await rbac.deleteClusterRole({ name });
    }
    const binding = await rbac.readClusterRoleBinding({ name }).catch(orNone);
    if (binding) {
      if (await keep(binding)) saved.bindings.push(binding);
      await rbac.deleteClusterRoleBinding({ name });
    }
  }
  saved.validating = await clients.admission
    .readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME })
    .catch(() => undefined);
  saved.mutating = await clients.admission.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME }).catch(() => undefined);
  return saved;
}

/**
 * Removes the webhook configurations the chart's operator registered: with failurePolicy Fail and its Service
 * gone, they would refuse every PowerTool write, a finalizer's removal included.
 */
export async function removeWebhooks(clients: Clients): Promise<void> {
  const name = WEBHOOK_CONFIGURATION_NAME;
  await clients.admission.deleteValidatingWebhookConfiguration({ name }).catch(() => undefined);
  await clients.admission.deleteMutatingWebhookConfiguration({ name }).catch(() => undefined);
}

/** Puts back what setAside kept, the webhook configurations as they were before the chart's operator included. */
export async function putBack(clients: Clients, saved: SetAside): Promise<void> {
  const rbac = clients.kc.makeApiClient(RbacAuthorizationV1Api);
  const fresh = <T extends { metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> } }>(
    o: T,
  ): T => ({ ...o, metadata: { name: o.metadata?.name, labels: o.metadata?.labels, annotations: o.metadata?.annotations } });
  for (const role of saved.roles) await rbac.createClusterRole({ body: fresh(role) }).catch(ignoreExists);
  for (const binding of saved.bindings) await rbac.createClusterRoleBinding({ body: fresh(binding) }).catch(ignoreExists);
  await removeWebhooks(clients);
  if (saved.validating) await clients.admission.createValidatingWebhookConfiguration({ body: fresh(saved.validating) });
  if (saved.mutating) await clients.admission.createMutatingWebhookConfiguration({ body: fresh(saved.mutating) });
}

/** Pods, container logs and Events of the namespaces, and Helm's view of the release, written into `dir`. */
export async function keepEvidence(
  clients: Clients,
  opts: { dir: string; label: string; namespaces: string[]; helm?: Helm; release: string; releaseNamespace: string },
): Promise<void> {
  mkdirSync(opts.dir, { recursive: true });
  const write = (file: string, text: string) => writeFileSync(join(opts.dir, `${opts.label}-${file}`), text);
  const safe = async (what: () => Promise<string>) =>
    what().catch((err: unknown) => `(${err instanceof Error ? err.message : String(err)})`);
  for (const namespace of opts.namespaces) {
    const pods = await clients.core.listNamespacedPod({ namespace }).then(
      (l) => l.items,
      () => [] as V1Pod[],
    );
    write(
      `${namespace}-pods.json`,
      JSON.stringify(
        pods.map((p) => ({
          name: p.metadata?.name,
          phase: p.status?.phase,
          conditions: p.status?.conditions,
          containers: p.status?.containerStatuses,
          ephemeral: p.status?.ephemeralContainerStatuses,
        })),
        null,
        2,
      ),
    );
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '';
      for (const c of pod.spec?.containers ?? []) {
        write(
          `${namespace}-${name}-${c.name}.log`,
          await safe(() => clients.core.readNamespacedPodLog({ name, namespace, container: c.name, tailLines: 500 })),
        );
        const restarts = pod.status?.containerStatuses?.find((st) => st.name === c.name)?.restartCount ?? 0;
        if (restarts > 0)
          write(
            `${namespace}-${name}-${c.name}-previous.log`,
            await safe(() => clients.core.readNamespacedPodLog({ name, namespace, container: c.name, tailLines: 200, previous: true })),
          );
      }
    }
    const events = await clients.events.listNamespacedEvent({ namespace }).then(
      (l) => l.items,
      () => [],
    );
    write(
      `${namespace}-events.txt`,
      events
        .map(
          (e) =>
            `${String(e.eventTime ?? e.deprecatedLastTimestamp ?? '')} ${e.type} ${e.reason} ${e.regarding?.kind}/${e.regarding?.name}: ${e.note}`,
        )
        .join('\n'),
    );
  }
  const helm = opts.helm;
  if (helm)
    write(
      'helm-status.txt',
      await safe(() => helm.run(['status', opts.release, '--namespace', opts.releaseNamespace, '--show-resources'])),
    );
  process.stderr.write(`chart e2e: evidence in ${opts.dir}\n`);
}
