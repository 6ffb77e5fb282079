/**
 * What the quickstart and the tutorial put into the cluster, every object by server-side apply as written in the
 * repository (so running twice changes nothing, and CRDs keep their CEL rules, which the typed client would drop):
 * the CRDs, the operator's namespace with every tool's PowerToolConfig, the sample namespace and demo-app.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ApiextensionsV1Api, AppsV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { applyAll, serverSideApply, type Manifest } from '../kube/apply.ts';
import { waitFor } from '../kube/wait.ts';

export const repoRoot = new URL('../../', import.meta.url).pathname;
export const OPERATOR_NAMESPACE = 'toe-system';
export const DEMO_NAMESPACE = 'demo';
export const DEMO_APP = 'demo-app';

/** The kinds a manifest here may hold; anything else is a mistake in the repository, said so. */
const KINDS = ['CustomResourceDefinition', 'Namespace', 'Deployment', 'PowerToolConfig', 'PowerTool'];

export async function readManifests(file: string): Promise<Manifest[]> {
  const docs = parseAllDocuments(await readFile(file, 'utf8'))
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => d !== null);
  for (const d of docs) {
    if (!d.kind || !KINDS.includes(d.kind) || !d.metadata?.name)
      throw new Error(`${file}: a ${d.kind ?? 'document without kind'} is not something the quickstart applies (${KINDS.join(', ')})`);
  }
  return docs;
}

export async function applyFile(kc: KubeConfig, file: string): Promise<Manifest[]> {
  const docs = await readManifests(file);
  await applyAll(kc, docs);
  return docs;
}

export async function installCrds(kc: KubeConfig): Promise<string[]> {
  const dir = join(repoRoot, 'crds');
  const names: string[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort())
    names.push(...(await applyFile(kc, join(dir, f))).map((d) => d.metadata.name));
  const api = kc.makeApiClient(ApiextensionsV1Api);
  for (const name of names) {
    await waitFor(
      `CRD ${name} Established`,
      async () => {
        const crd = await api.readCustomResourceDefinition({ name });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
  }
  return names;
}

/** The operator's namespace and every `powertools/<tool>/config.yaml`; returns the tool names. */
export async function installConfigs(kc: KubeConfig): Promise<string[]> {
  await serverSideApply(kc, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } }, 'namespaces');
  const dir = join(repoRoot, 'powertools');
  const tools: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true }))
    .filter((x) => x.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const file = join(dir, e.name, 'config.yaml');
    if (
      await readFile(file).then(
        () => true,
        () => false,
      )
    )
      tools.push(...(await applyFile(kc, file)).map((d) => d.metadata.name));
  }
  return tools;
}

/** The opted-in namespace `demo` and the CPU-bound `demo-app` Deployment. */
export async function installSampleApps(kc: KubeConfig): Promise<void> {
  await applyFile(kc, join(repoRoot, 'samples/apps/namespace.yaml'));
  await applyFile(kc, join(repoRoot, 'samples/apps/cpu-hot/deployment.yaml'));
}

/** What a pod is waiting for, e.g. "demo-app-x: ErrImageNeverPull (Container image ... is not present)". */
function waitingReasons(pods: V1Pod[]): string {
  const lines = pods.flatMap((p) =>
    (p.status?.containerStatuses ?? [])
      .filter((s) => s.state?.waiting)
      .map((s) => `${p.metadata?.name}: ${s.state?.waiting?.reason}${s.state?.waiting?.message ? ` (${s.state.waiting.message})` : ''}`),
  );
  const pending = pods
    .filter((p) => p.status?.phase === 'Pending' && !(p.status?.containerStatuses ?? []).length)
    .map((p) => {
      const unmet = p.status?.conditions?.find((c) => c.status === 'False')?.message;
      return `${p.metadata?.name}: Pending${unmet ? ` (${unmet})` : ''}`;
    });
  return [...lines, ...pending].join('; ') || 'no pod reported a reason';
}

/** demo-app rolled out: every replica updated, Running and Ready; resolves with the pods. */
export async function waitForDemoApp(kc: KubeConfig, budgetMs = 180_000): Promise<V1Pod[]> {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const pods = async (): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: DEMO_NAMESPACE, labelSelector: `app=${DEMO_APP}` })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
  return waitFor(
    `${DEMO_APP} in namespace ${DEMO_NAMESPACE} Ready`,
    async () => {
      const d = await apps.readNamespacedDeployment({ name: DEMO_APP, namespace: DEMO_NAMESPACE });
      const want = d.spec?.replicas ?? 1;
      const s = d.status;
      if (
        (s?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0) ||
        s?.updatedReplicas !== want ||
        s?.readyReplicas !== want ||
        (s?.replicas ?? 0) !== want
      )
        return undefined;
      const running = (await pods()).filter((p) => p.status?.phase === 'Running');
      return running.length === want ? running : undefined;
    },
    { timeoutMs: budgetMs, explain: async () => waitingReasons(await pods()) },
  );
}
