/**
 * What integration suites share: clients for the real API server the harness gave (KUBECONFIG), the generated CRDs
 * installed as they are, and polling with a budget.
 */
import { ApiextensionsV1Api, KubeConfig, RbacAuthorizationV1Api, type V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { serverSideApply } from '../../src/kube/apply.ts';
import { readFileSync, readdirSync } from 'node:fs';
import { loadKubeConfig, makeClients, type Clients } from '../../src/kube/client.ts';
import { classify } from '../../src/kube/errors.ts';
import { strategicMerge } from '../../src/kube/patch.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { GROUP, VERSION } from '../../src/api/index.ts';
import { startManager, type Manager, type ManagerOptions } from '../../src/operator/manager.ts';
import { DEFAULT_TOOL_PRIVILEGES } from '../../src/operator/powertoolconfig/check.ts';

export function testClients(): Clients {
  if (!process.env.KUBECONFIG) throw new Error('integration tests need KUBECONFIG (npm run test:integration starts an API server)');
  return makeClients(loadKubeConfig());
}

/** Installs crds/ exactly as generated (raw server-side apply, every x-kubernetes-* key intact) and waits until served. */
export async function installCrds(clients: Clients): Promise<void> {
  const api = clients.kc.makeApiClient(ApiextensionsV1Api);
  const dir = new URL('../../crds/', import.meta.url).pathname;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(dir + file, 'utf8')) as { apiVersion: string; kind: string; metadata: { name: string } };
    await serverSideApply(clients.kc, crd, 'customresourcedefinitions');
    await waitFor(`CRD ${crd.metadata.name} established`, async () => {
      const c = await api.readCustomResourceDefinition({ name: crd.metadata.name });
      return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True');
    });
  }
}

/** For create calls that may repeat: a 409 (already exists, or a replace that lost a race) is fine. */
export function ignoreExists(err: unknown): void {
  if (classify(err) !== 'conflict') throw err;
}

/** A namespace and its default ServiceAccount, which no controller-manager creates when only the API server runs. */
export async function ensureNamespace(clients: Clients, name: string, labels: Record<string, string> = {}): Promise<void> {
  await clients.core.createNamespace({ body: { metadata: { name, labels } } }).catch(ignoreExists);
  await clients.core.createNamespacedServiceAccount({ namespace: name, body: { metadata: { name: 'default' } } }).catch(ignoreExists);
}

/**
 * A pod no node will ever run (its nodeSelector matches no node, so it is never bound and no kubelet or pod garbage
 * collector touches it, on an API-server-only harness or a full node alike), with the status a kubelet would
 * report for running containers written through the pods/status subresource. The API server is real; only the
 * kubelet's report is ours, which lets the controller's logic be tested without a node.
 */
export async function runningPod(clients: Clients, namespace: string, name: string, labels: Record<string, string>): Promise<V1Pod> {
  await clients.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        nodeSelector: { 'toe.dev/integration': 'no-such-node' },
        containers: [
          { name: 'app', image: 'localhost/toe-base:never-pulled', imagePullPolicy: 'Never' },
          { name: 'sidecar', image: 'localhost/toe-base:never-pulled', imagePullPolicy: 'Never' },
        ],
      },
    },
  });
  const started = new Date();
  return clients.core.patchNamespacedPodStatus(
    {
      name,
      namespace,
      body: {
        status: {
          phase: 'Running',
          containerStatuses: ['app', 'sidecar'].map((c) => ({
            name: c,
            ready: true,
            restartCount: 0,
            image: 'localhost/toe-base:never-pulled',
            imageID: '',
            state: { running: { startedAt: started } },
          })),
        },
      },
    },
    strategicMerge(),
  ) as Promise<V1Pod>;
}

/** Reports an ephemeral container as terminated, as the kubelet would once the tool exits. */
export async function terminateEphemeral(
  clients: Clients,
  pod: V1Pod,
  container: string,
  exitCode: number,
  message: string,
): Promise<void> {
  const now = new Date();
  const statuses = (pod.status?.ephemeralContainerStatuses ?? []).filter((s) => s.name !== container);
  statuses.push({
    name: container,
    ready: false,
    restartCount: 0,
    image: 'x',
    imageID: '',
    state: { terminated: { exitCode, message, startedAt: now, finishedAt: now, reason: exitCode === 0 ? 'Completed' : 'Error' } },
  });
  await clients.core.patchNamespacedPodStatus(
    {
      name: pod.metadata?.name ?? '',
      namespace: pod.metadata?.namespace ?? '',
      body: { status: { ephemeralContainerStatuses: statuses } },
    },
    strategicMerge(),
  );
}

/**
 * A KubeConfig for the operator's own ServiceAccount, bound to exactly the rules the chart grants (rbac.ts, kept
 * equal to the chart by test/chart.test.ts), so integration suites prove the operator works without admin rights.
 */
export async function operatorKubeConfig(clients: Clients, namespace: string): Promise<KubeConfig> {
  const { clusterRules, operatorNamespaceRules } = await import('../../src/operator/rbac.ts');
  const rbac = clients.kc.makeApiClient(RbacAuthorizationV1Api);
  const name = 'toe-operator';
  await clients.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }).catch(ignoreExists);
  const subject = [{ kind: 'ServiceAccount', name, namespace }];
  // Replaced in place, never deleted and re-created: suites running side by side share these objects.
  const upsert = async (
    read: () => Promise<{ metadata?: { resourceVersion?: string } }>,
    create: () => Promise<unknown>,
    replace: (rv?: string) => Promise<unknown>,
  ) => {
    const current = await read().catch(() => undefined);
    await (current ? replace(current.metadata?.resourceVersion) : create()).catch(ignoreExists);
  };
  const roleRef = (kind: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
  await upsert(
    () => rbac.readClusterRole({ name }),
    () => rbac.createClusterRole({ body: { metadata: { name }, rules: clusterRules } }),
    (resourceVersion) => rbac.replaceClusterRole({ name, body: { metadata: { name, resourceVersion }, rules: clusterRules } }),
  );
  await rbac
    .createClusterRoleBinding({ body: { metadata: { name }, roleRef: roleRef('ClusterRole'), subjects: subject } })
    .catch(ignoreExists);
  await upsert(
    () => rbac.readNamespacedRole({ name, namespace }),
    () => rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules: operatorNamespaceRules } }),
    (resourceVersion) =>
      rbac.replaceNamespacedRole({ name, namespace, body: { metadata: { name, resourceVersion }, rules: operatorNamespaceRules } }),
  );
  await rbac
    .createNamespacedRoleBinding({ namespace, body: { metadata: { name }, roleRef: roleRef('Role'), subjects: subject } })
    .catch(ignoreExists);
  const token = await clients.core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { expirationSeconds: 3600 } } });
  const cluster = clients.kc.getCurrentCluster();
  if (!cluster || !token.status?.token) throw new Error('no cluster in KUBECONFIG or no token for the operator');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name, token: token.status.token }],
    contexts: [{ name, cluster: cluster.name, user: name }],
    currentContext: name,
  });
  return kc;
}

/**
 * A host-run operator for one suite: no leader election, admission and metrics on a free loopback port, the default
 * tool privileges; `suite` names its identity, lease and log lines so suites sharing an API server do not collide.
 */
export function startSuiteOperator(
  kc: KubeConfig,
  operatorNamespace: string,
  suite: string,
  more: Partial<ManagerOptions> = {},
): Promise<Manager> {
  return startManager(kc, {
    operatorNamespace,
    identity: `it-${suite}-${process.pid}`,
    http: { host: '127.0.0.1', port: 0 },
    leaderElection: false,
    leaseName: `toe-operator-it-${suite}`,
    injectConcurrency: 10,
    privileges: DEFAULT_TOOL_PRIVILEGES,
    logBindings: { test: `integration-${suite}` },
    ...more,
  });
}

/** A fault PowerToolConfig whose image is never pulled: the suites' pods never run on a node. */
export function neverPulledConfig(name: string, namespace: string): Record<string, unknown> {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'PowerToolConfig',
    metadata: { name, namespace },
    spec: {
      tool: { name, kind: 'fault', description: 'integration test fault' },
      image: 'localhost/toe-base:never-pulled',
      imagePullPolicy: 'Never',
      command: ['/toe/bin/entrypoint'],
      limits: { maxDuration: '10m', defaultDuration: '5m' },
    },
  };
}

/**
 * What an operator suite sets up first: the CRDs, the operator's namespace, an opted-in namespace for the runs, the
 * operator's ServiceAccount kubeconfig, and the suite's tool config (kept when an earlier run left it).
 */
export async function prepareOperatorSuite(
  clients: Clients,
  o: { operatorNamespace: string; namespace: string; config: Record<string, unknown> },
): Promise<KubeConfig> {
  await installCrds(clients);
  await ensureNamespace(clients, o.operatorNamespace);
  await ensureNamespace(clients, o.namespace, { 'toe.dev/allow-powertools': 'true' });
  const operatorKc = await operatorKubeConfig(clients, o.operatorNamespace);
  await clients.custom
    .createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: o.operatorNamespace,
      plural: 'powertoolconfigs',
      body: o.config,
    })
    .catch(ignoreExists);
  return operatorKc;
}
