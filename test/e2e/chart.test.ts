/**
 * The Helm chart installed for real, with a real `helm` (built from its Go module: test/harness/helm.ts), into a
 * namespace of its own: two operator replicas and one Lease holder, the tool configs Ready, hostile arguments
 * refused at create by the chart's webhook, a cpu fault run to Succeeded with its samples streamed to the chart's
 * collector, `helm upgrade` to a packaged new version while a run goes on (it still ends Succeeded), then
 * `helm uninstall` leaving nothing of the release but the CRDs (Helm never deletes crds/).
 *
 * Why not toe-system: other suites keep their configs, Lease and webhook Secret there, and this suite deletes its
 * namespace at the end. What it cannot keep to itself is cluster-scoped: the ClusterRoles and bindings the chart
 * and the suites' operatorKubeConfig both name toe-operator (Helm refuses to take over objects it did not create,
 * so they are set aside and put back afterwards), and the webhook configurations, which the chart's operator
 * registers and which, left pointing at a deleted Service under failurePolicy Fail, would refuse every PowerTool
 * of later suites. The chart's operator watches every namespace: nothing else may run PowerTools meanwhile.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, AppsV1Api, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import { GROUP, REQUESTED_BY_ANNOTATION, VERSION, powerToolConfigSpec, powerToolSpec, type PowerToolConfig } from '../../src/api/index.ts';
import { ensureImages } from '../../src/images/images.ts';
import { layout } from '../../src/cluster/layout.ts';
import { toeImage } from '../../src/images/toe-image.ts';
import { serverSideApply } from '../../src/kube/apply.ts';
import { VALIDATING_WEBHOOK_NAME, WEBHOOK_CONFIGURATION_NAME } from '../../src/operator/admission/register.ts';
import { TLS_SECRET_NAME } from '../../src/operator/admission/tls-secret.ts';
import { admitPowerTool } from '../../src/policy/admit.ts';
import { buildHelm, helmRunner, type Helm } from '../harness/helm.ts';
import { ensureNamespace, testClients } from '../integration/kube.ts';
import { keepEvidence, notFound, putBack, removeWebhooks, setAside, type SetAside } from './chart-release.ts';
import { demoDeployment } from './operator.ts';
import { finished, powerTools } from './tools.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { dumpOnFailure } from './diagnose.ts';
import { runChecks } from '../../src/check/run.ts';
import { formatFindings } from '../../src/cli/check.ts';

const clients = testClients();
const apps = clients.kc.makeApiClient(AppsV1Api);
const objects = KubernetesObjectApi.makeApiClient(clients.kc);
const root = new URL('../..', import.meta.url).pathname;
const suffix = Date.now().toString(36);
/** The release's namespace: the operator's, where its Lease, configs and webhook Secret live. */
const NS = `toe-chart-${suffix}`;
const APP_NS = `e2e-chart-app-${suffix}`;
dumpOnFailure(import.meta.filename, () => [NS, APP_NS]);
const RELEASE = 'toe';
const LEASE = 'toe-operator';
const OPERATOR_LABELS = `app.kubernetes.io/instance=${RELEASE},app.kubernetes.io/component=operator`;
const pts = powerTools(clients, APP_NS);
const evidenceDir = join(root, '.artifacts', `chart-e2e-${suffix}`);
/** Where `helm package` writes the chart archives the suite installs and upgrades to. */
const packages = mkdtempSync(join(tmpdir(), 'toe-chart-'));

const HOSTILE = ['-o/etc/shadow', '--freq=$(id)'];
const hostileSpec = { targets: { selector: { matchLabels: { app: 'idle' } } }, tool: { name: 'perf', args: HOSTILE, duration: '10s' } };

/** Reads powertools/<tool>/config.yaml as written, moved into the release's namespace. */
function toolConfig(tool: string): PowerToolConfig & { metadata: { name: string; namespace: string } } {
  const config = parse(readFileSync(join(root, 'powertools', tool, 'config.yaml'), 'utf8')) as PowerToolConfig & {
    metadata: { name: string; namespace: string };
  };
  return { ...config, metadata: { ...config.metadata, namespace: NS } };
}

/** The API server's refusal as a Status, or a failed assertion when the call succeeded. */
async function refusal(
  call: Promise<unknown>,
): Promise<{ code: number; message: string; reason?: string; details?: { causes?: { field: string }[] } }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as { message: string; reason?: string };
    return { code: err.code, ...body };
  }
  return assert.fail("the API server accepted a PowerTool the chart's admission should refuse");
}

const createPowerTool = (name: string, spec: unknown, dryRun?: 'All') =>
  clients.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: APP_NS,
    plural: 'powertools',
    dryRun,
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'PowerTool', metadata: { name }, spec },
  });

// --- the suite --------------------------------------------------------------------------------------------------

// Side by side, this suite would pull the ClusterRole from under the other suites' operators, and its webhook
// (which knows only the configs in its own namespace) would refuse their PowerTools.
const sideBySide =
  Number(process.env.TOE_TEST_CONCURRENCY ?? '1') > 1 && 'the chart suite needs the cluster to itself (TOE_TEST_CONCURRENCY > 1)';

describe('the Helm chart installed on a real node', { skip: sideBySide }, () => {
  let helm: Helm | undefined;
  let saved: SetAside | undefined;
  /** Set from the install on, failed or not (Helm records a failed release, and uninstall removes it). */
  let installed = false;
  const evidence = (label: string) =>
    keepEvidence(clients, { dir: evidenceDir, label, namespaces: [NS, APP_NS], helm, release: RELEASE, releaseNamespace: NS });

  before(async () => {
    const l = layout();
    // The chart runs localhost/toe:<version>: make sure it holds this checkout's sources (nothing happens when it
    // is current), the way the toe image suite does on the local cluster.
    if (process.env.KUBECONFIG === l.kubeconfig) {
      await ensureImages([await toeImage(l.cacheDir)], { socket: l.containerdSocket, importedFile: join(l.stateDir, 'images.json') });
    }
    const started = Date.now();
    helm = helmRunner(await buildHelm(l.cacheDir), process.env.KUBECONFIG);
    process.stderr.write(
      `chart e2e: helm ready in ${((Date.now() - started) / 1000).toFixed(1)}s (${(await helm.run(['version', '--short'])).trim()})\n`,
    );
    saved = await setAside(clients);
    await ensureNamespace(clients, APP_NS, { 'toe.dev/allow-powertools': 'true' });
    installed = true;
    try {
      // As users get it: the packaged chart. pullPolicy Never: the image comes from `toe cluster images`, never a
      // registry; a missing one fails at once.
      const packaged = (await helm.run(['package', join(root, 'charts/toe'), '--destination', packages])).trim().split(' ').pop() ?? '';
      await helm.run(
        [
          'install',
          RELEASE,
          packaged,
          '--namespace',
          NS,
          '--create-namespace',
          '--set',
          'image.pullPolicy=Never',
          '--wait=watcher',
          '--timeout',
          '5m0s',
        ],
        360_000,
      );
    } catch (err) {
      await evidence('install');
      throw err;
    }
  });

  afterEach(async (t) => {
    if ('passed' in t && !t.passed) await evidence(t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40));
  });

  after(async () => {
    const powertools = { group: GROUP, version: VERSION, namespace: APP_NS, plural: 'powertools' };
    const names = async () =>
      (
        (await clients.custom.listNamespacedCustomObject(powertools).catch(() => ({ items: [] }))) as { items: KubernetesObject[] }
      ).items.map((pt) => pt.metadata?.name ?? '');
    if (installed) {
      // Deleted while the operator still runs, so it stops the tools and releases its finalizer itself.
      for (const name of await names()) await clients.custom.deleteNamespacedCustomObject({ ...powertools, name }).catch(() => undefined);
      await helm
        ?.run(['uninstall', RELEASE, '--namespace', NS, '--cascade=foreground', '--wait=watcher', '--timeout', '3m0s'])
        .catch((err: unknown) => process.stderr.write(`chart e2e: helm uninstall: ${String(err)}\n`));
    }
    await removeWebhooks(clients);
    // Whatever is left has no operator to finalise it, and would keep its namespace Terminating forever.
    for (const name of await names()) {
      await clients.custom
        .patchNamespacedCustomObject({ ...powertools, name, body: [{ op: 'replace', path: '/metadata/finalizers', value: [] }] })
        .catch(() => undefined);
    }
    await clients.core.deleteNamespace({ name: APP_NS }).catch(() => undefined);
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    await waitFor(
      `namespace ${NS} deleted`,
      () =>
        clients.core.readNamespace({ name: NS }).then(
          () => false,
          (err: unknown) => notFound(err),
        ),
      { timeoutMs: 180_000 },
    ).catch((err: unknown) => process.stderr.write(`chart e2e: ${String(err)}\n`));
    if (saved) await putBack(clients, saved);
    helm?.dispose();
    rmSync(packages, { recursive: true, force: true });
  });

  it('runs two operator replicas, both Ready, exactly one of them holding the Lease', async () => {
    const deployment = await apps.readNamespacedDeployment({ name: 'toe-operator', namespace: NS });
    assert.equal(deployment.status?.readyReplicas, 2, JSON.stringify(deployment.status));
    const pods = (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: OPERATOR_LABELS })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
    assert.equal(pods.length, 2);
    for (const p of pods)
      assert.ok(
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        `${p.metadata?.name} is not Ready`,
      );
    const names = pods.map((p) => p.metadata?.name ?? '');

    // toe operator's identity is <hostname>-<pid>, and a pod's hostname is its name.
    const lease = await waitFor(
      'a replica holding the Lease',
      async () => {
        const l = await clients.coordination.readNamespacedLease({ name: LEASE, namespace: NS });
        return l.spec?.holderIdentity ? l : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const holders = names.filter((n) => lease.spec?.holderIdentity?.startsWith(`${n}-`));
    assert.equal(holders.length, 1, `Lease holder ${lease.spec?.holderIdentity} is not one of ${names.join(', ')}`);

    // Each replica says on /metrics whether it leads (read through the API server's pod proxy): exactly one
    // does, and it is the Lease's holder.
    const leading = await Promise.all(
      names.map(async (name) => {
        const text = await clients.core.connectGetNamespacedPodProxyWithPath({ name: `${name}:8080`, namespace: NS, path: 'metrics' });
        return Number(/^toe_leader (\d+)/m.exec(text)?.[1]);
      }),
    );
    assert.deepEqual(
      leading.map((v, i) => [names[i], v]).filter(([, v]) => v === 1),
      [[holders[0], 1]],
    );
    assert.equal(leading.filter((v) => v === 0).length, 1, `toe_leader per replica: ${leading.join(', ')}`);
  });

  it('makes the tool configs applied into its namespace Ready', async () => {
    for (const tool of ['cpu', 'perf']) await serverSideApply(clients.kc, toolConfig(tool), 'powertoolconfigs');
    for (const tool of ['cpu', 'perf']) {
      await waitFor(
        `PowerToolConfig ${tool} Ready`,
        async () => {
          const c = (await clients.custom.getNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace: NS,
            plural: 'powertoolconfigs',
            name: tool,
          })) as PowerToolConfig & { metadata: { generation?: number } };
          return (
            c.status?.observedGeneration === c.metadata.generation &&
            c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')
          );
        },
        { timeoutMs: 60_000 },
      );
    }
  });

  it("registers admission with the caBundle of its Secret, and refuses hostile args at create with the allowlist's message", async () => {
    const ca = await waitFor(
      `secret ${TLS_SECRET_NAME}`,
      async () => {
        const s = await clients.core.readNamespacedSecret({ name: TLS_SECRET_NAME, namespace: NS });
        return s.data?.['ca.crt'] ? Buffer.from(s.data['ca.crt'], 'base64').toString('utf8').trim() : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await waitFor(
      "the webhook configurations pointing at the release's Service with that CA",
      async () => {
        const v = await clients.admission.readValidatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
        const m = await clients.admission.readMutatingWebhookConfiguration({ name: WEBHOOK_CONFIGURATION_NAME });
        return [v.webhooks?.[0]?.clientConfig, m.webhooks?.[0]?.clientConfig].every(
          (c) =>
            c?.service?.namespace === NS &&
            c.service.name === 'toe-operator' &&
            c.service.port === 443 &&
            Buffer.from(c.caBundle ?? '', 'base64')
              .toString('utf8')
              .includes(ca),
        );
      },
      { timeoutMs: 60_000 },
    );
    // The API server reads webhook configurations through an informer: probe with server-side dry runs until
    // this webhook answers (an earlier configuration may have pointed at an operator that is gone).
    await waitFor(
      "the chart's webhook in effect",
      async () => {
        const r = await refusal(createPowerTool('probe', hostileSpec, 'All')).catch(() => undefined);
        return r?.message.startsWith(`admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request`);
      },
      { timeoutMs: 60_000 },
    );

    const refused = await refusal(createPowerTool('hostile', hostileSpec));
    const expected = admitPowerTool(powerToolSpec.parse(hostileSpec), powerToolConfigSpec.parse(toolConfig('perf').spec));
    const errors = expected.ok ? assert.fail('the perf allowlist admits the hostile args') : expected.errors;
    assert.equal(refused.code, 422);
    assert.equal(refused.reason, 'Invalid');
    assert.equal(
      refused.message,
      `admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request: PowerTool "hostile" is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
    assert.match(refused.message, /spec\.tool\.args\[0\]: "-o\/etc\/shadow"/);
    assert.match(refused.message, /spec\.tool\.args\[1\]: "--freq=\$\(id\)"/);
    assert.deepEqual(
      refused.details?.causes?.map((c) => c.field),
      errors.map((e) => e.path),
    );
    await assert.rejects(pts.get('hostile'), notFound);
  });

  it("runs a cpu fault to Succeeded through the chart's operator, its samples streamed whole to the chart's collector", async () => {
    await demoDeployment(clients, APP_NS, 'idle', 1);
    const self = await clients.authn.createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    await pts.create('light', {
      targets: { selector: { matchLabels: { app: 'idle' } } },
      tool: { name: 'cpu', args: ['--workers=1', '--load=10'], duration: '8s' },
      output: { mode: 'collector' },
    });
    const done = await pts.until('light', 'finished', finished, 120_000);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    const [target] = done.status?.targets ?? [];
    assert.equal(target?.result?.partial, false, JSON.stringify(target?.result));
    // partial=false for an artifact in collector mode: the collector acknowledged every byte and the completion.
    const samples = target?.artifacts?.find((a) => a.name === 'samples.jsonl');
    assert.ok(samples && samples.bytes > 0 && !samples.partial, JSON.stringify(target?.artifacts));
    // The chart's mutating webhook recorded who asked.
    const requester = JSON.parse(done.metadata.annotations?.[REQUESTED_BY_ANNOTATION] ?? '{}') as { username?: string };
    assert.equal(requester.username, self.status?.userInfo?.username);

    await clients.custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: APP_NS,
      plural: 'powertools',
      name: 'light',
    });
    await waitFor(
      'the finished PowerTool deleted (the operator releases its finalizer)',
      () =>
        pts.get('light').then(
          () => false,
          (err: unknown) => notFound(err),
        ),
      { timeoutMs: 60_000 },
    );
  });

  it('helm upgrade to a packaged, changed version rolls the operator while a run goes on, and the run ends Succeeded', async () => {
    assert.ok(helm, 'helm was not built');
    // Logs, not the collector: the upgrade rolls the collector's pod too, and its emptyDir goes with it.
    await pts.create('across', {
      targets: { selector: { matchLabels: { app: 'idle' } } },
      tool: { name: 'cpu', args: ['--workers=1', '--load=10'], duration: '30s' },
      output: { mode: 'logs' },
    });
    await pts.until('across', 'its tool running', (pt) => pt.status?.targets?.[0]?.phase === 'Running', 60_000);
    const before = (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: OPERATOR_LABELS })).items.map(
      (p) => p.metadata?.name,
    );

    // The chart packaged again with a new version, so the operator's pods roll.
    await helm.run([
      'package',
      join(root, 'charts/toe'),
      '--version',
      '0.1.1-e2e',
      '--app-version',
      '0.1.1-e2e',
      '--destination',
      packages,
    ]);
    await helm.run(
      ['upgrade', RELEASE, join(packages, 'toe-0.1.1-e2e.tgz'), '--namespace', NS, '--reuse-values', '--wait=watcher', '--timeout', '5m0s'],
      360_000,
    );
    const after = (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: OPERATOR_LABELS })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
    assert.ok(
      after.every((p) => p.metadata?.labels?.['app.kubernetes.io/version'] === '0.1.1-e2e' && !before.includes(p.metadata?.name)),
      `operator pods after the upgrade: ${after.map((p) => `${p.metadata?.name} ${p.metadata?.labels?.['app.kubernetes.io/version']}`).join(', ')}`,
    );
    assert.match(await helm.run(['history', RELEASE, '--namespace', NS]), /0\.1\.1-e2e/);

    // The new operator takes the run over from the record in its status, and ends it as the old one would have.
    const done = await pts.until('across', 'finished', finished, 120_000);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    assert.equal(done.status?.targets?.[0]?.result?.partial, false, JSON.stringify(done.status?.targets?.[0]?.result));
  });

  it('toe check finds every precondition met in the namespace the release serves', async () => {
    // After the fault above: the app namespace exists, the images are on the node, the operator leads.
    const findings = await runChecks(clients, { namespace: APP_NS, operatorNamespace: NS, leaseName: LEASE });
    const broken = findings.filter((f) => f.severity !== 'ok');
    assert.deepEqual(broken, [], formatFindings(findings));
    for (const check of ['crds', 'operator', 'configs', 'namespace', 'pod-security', 'access', 'admission']) {
      assert.ok(
        findings.some((f) => f.check === check),
        `a ${check} finding in ${formatFindings(findings)}`,
      );
    }
  });

  it('helm uninstall stops the operator and leaves nothing of the release but the CRDs', async () => {
    assert.ok(helm, 'helm was not built');
    const manifest = await helm.run(['get', 'manifest', RELEASE, '--namespace', NS]);
    const rendered = parseAllDocuments(manifest)
      .map((d) => d.toJS() as KubernetesObject | null)
      .filter((o): o is KubernetesObject => Boolean(o?.kind));
    assert.ok(
      rendered.some((o) => o.kind === 'Deployment' && o.metadata?.name === 'toe-operator'),
      'the release has no operator Deployment',
    );

    // Foreground: the Deployments are gone only once their ReplicaSets and pods are, and --wait waits for that.
    await helm.run(['uninstall', RELEASE, '--namespace', NS, '--cascade=foreground', '--wait=watcher', '--timeout', '3m0s'], 240_000);
    installed = false;
    await waitFor(
      "the release's pods gone",
      async () =>
        (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/instance=${RELEASE}` })).items.length ===
        0,
      { timeoutMs: 120_000 },
    );

    const remaining: string[] = [];
    for (const o of rendered) {
      const header = {
        apiVersion: o.apiVersion ?? '',
        kind: o.kind ?? '',
        metadata: { name: o.metadata?.name ?? '', namespace: o.metadata?.namespace },
      };
      await objects.read(header).then(
        () => remaining.push(`${header.kind} ${header.metadata.namespace ?? ''}/${header.metadata.name}`),
        (err: unknown) => {
          if (!notFound(err)) throw err;
        },
      );
    }
    for (const kind of ['ReplicaSet', 'Pod', 'ConfigMap', 'Secret']) {
      const apiVersion = kind === 'ReplicaSet' ? 'apps/v1' : 'v1';
      const list = await objects.list(
        apiVersion,
        kind,
        NS,
        undefined,
        undefined,
        undefined,
        undefined,
        `app.kubernetes.io/instance=${RELEASE}`,
      );
      remaining.push(...list.items.map((i) => `${kind} ${NS}/${i.metadata?.name}`));
    }
    // Helm's own record of the release (a Secret sh.helm.release.v1.<release>.v<n>).
    const records = await clients.core.listNamespacedSecret({ namespace: NS, labelSelector: `owner=helm,name=${RELEASE}` });
    remaining.push(...records.items.map((s) => `Secret ${NS}/${s.metadata?.name}`));
    assert.deepEqual(remaining, []);

    for (const file of readdirSync(join(root, 'charts/toe/crds'))) {
      await objects.read({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: file.replace(/\.yaml$/, '') },
      });
    }
  });
});
