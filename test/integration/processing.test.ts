/**
 * The PowerToolProcessing controller against a real API server, run as the operator's ServiceAccount with the
 * chart's rules. PowerTools get their status written through the status subresource as the PowerTool controller
 * would write it (no kubelet runs here); artifacts come from a real collector (in process, real TokenReview) that
 * a "tool" fed with a real pod-bound token. Checked: one report per finished run, none more after a restart, a
 * schedule that re-runs without duplicating, the owned Service/EndpointSlice/Ingress, retention, and an
 * unreachable Ollama that leaves the report built with the analysis marked Failed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryV1Api, NetworkingV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { pino } from 'pino';
import { GROUP, VERSION, type PowerToolProcessing, type PowerToolStatus } from '../../src/api/index.ts';
import { createCollectorApp } from '../../src/collector/app.ts';
import { reviewingAuthenticator, tokenReview } from '../../src/collector/auth.ts';
import { serve, type Serving } from '../../src/collector/server.ts';
import { Store } from '../../src/collector/store.ts';
import { serverSideApply } from '../../src/kube/apply.ts';
import { mergePatch } from '../../src/kube/patch.ts';
import { startManager, type Manager } from '../../src/operator/manager.ts';
import { DEFAULT_TOOL_PRIVILEGES } from '../../src/operator/powertoolconfig/check.ts';
import { periodReportId, runReportId } from '../../src/operator/powertoolprocessing/trigger.ts';
import { ensureNamespace, installCrds, operatorKubeConfig, runningPod, testClients } from './kube.ts';
import { waitFor } from '../../src/kube/wait.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const NS = `ptp-it-${Date.now().toString(36)}`;
const group = GROUP;
const version = VERSION;
const NODE_IP = '10.244.0.1';
const perfScript = readFileSync(new URL('../../processing/fixtures/perf.script', import.meta.url));

type Ptp = PowerToolProcessing & { metadata: { uid: string; generation: number } };
const getPtp = async (name: string): Promise<Ptp> =>
  (await clients.custom.getNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertoolprocessings', name })) as Ptp;
const untilPtp = (name: string, what: string, ok: (p: Ptp) => boolean, timeoutMs = 30_000) =>
  waitFor(
    `${name}: ${what}`,
    async () => {
      const p = await getPtp(name);
      return ok(p) ? p : undefined;
    },
    { timeoutMs: timeoutMs },
  );

async function createPtp(name: string, spec: Record<string, unknown>): Promise<void> {
  await clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertoolprocessings',
    body: { apiVersion: `${group}/${version}`, kind: 'PowerToolProcessing', metadata: { name }, spec },
  });
}

/**
 * A PowerTool whose run "happened": created (its selector matches no pod, so the PowerTool controller's first pass
 * refuses it and writes a status), then given the finished status its controller writes after a real run.
 */
async function finishedPowerTool(
  name: string,
  opts: {
    tool: string;
    mode?: 'logs' | 'collector';
    labels?: Record<string, string>;
    pod: V1Pod;
    finishedAt?: Date;
    beforeFinish?: (uid: string) => Promise<void>;
  },
): Promise<string> {
  const created = (await clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertools',
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'PowerTool',
      metadata: { name, labels: opts.labels ?? {} },
      spec: {
        targets: { selector: { matchLabels: { app: 'no-such-pod' } } },
        tool: { name: opts.tool, duration: '10s' },
        output: { mode: opts.mode ?? 'collector' },
      },
    },
  })) as { metadata: { uid: string } };
  await waitFor(
    `${name}: first status`,
    async () =>
      (
        (await clients.custom.getNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools', name })) as {
          status?: unknown;
        }
      ).status,
  );
  await opts.beforeFinish?.(created.metadata.uid);
  const end = opts.finishedAt ?? new Date();
  const start = new Date(end.getTime() - 10_000);
  const status: PowerToolStatus = {
    phase: 'Succeeded',
    selected: 1,
    injected: 1,
    succeeded: 1,
    failed: 0,
    startedAt: start.toISOString(),
    finishedAt: end.toISOString(),
    deadline: end.toISOString(),
    conditions: [
      { type: 'Completed', status: 'True', reason: 'AllTargetsEnded', message: '1 succeeded', lastTransitionTime: end.toISOString() },
    ],
    targets: [
      {
        pod: opts.pod.metadata?.name ?? '',
        podUID: opts.pod.metadata?.uid,
        container: 'app',
        ephemeralContainer: `toe-${opts.tool}-0123abcd`,
        phase: 'Succeeded',
        startedAt: start.toISOString(),
        finishedAt: end.toISOString(),
        exitCode: 0,
        reason: 'Completed',
        message: 'completed',
        artifacts: [{ name: 'perf.script', bytes: perfScript.length, partial: false }],
      },
    ],
  };
  await clients.custom.patchNamespacedCustomObjectStatus(
    { group, version, namespace: NS, plural: 'powertools', name, body: { status } },
    mergePatch(),
  );
  return created.metadata.uid;
}

/** Uploads perf.script as the tool on `pod` would: a TokenRequest bound to the pod, audience of the run. */
async function upload(collector: Serving, pod: V1Pod, powerToolUid: string): Promise<void> {
  const res = await clients.core.createNamespacedServiceAccountToken({
    name: 'default',
    namespace: NS,
    body: {
      spec: {
        audiences: [`toe.dev/collector/${powerToolUid}`],
        expirationSeconds: 600,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid },
      },
    },
  });
  const base = `http://127.0.0.1:${collector.address.port}/v1/artifacts/perf.script`;
  const headers = { authorization: `Bearer ${res.status?.token}` };
  assert.equal((await fetch(`${base}?offset=0`, { method: 'PUT', headers, body: perfScript })).status, 200);
  assert.equal((await fetch(`${base}/complete?partial=false`, { method: 'POST', headers })).status, 200);
}

const TOOLS = ['it-ptp-perf', 'it-ptp-ret', 'it-ptp-rca'];
const toolConfig = (name: string) => ({
  apiVersion: `${group}/${version}`,
  kind: 'PowerToolConfig',
  metadata: { name, namespace: OPERATOR_NS },
  spec: {
    tool: { name, kind: 'profiler', description: 'processing integration test' },
    image: 'localhost/toe-perf:test',
    imagePullPolicy: 'Never',
    command: ['/toe/bin/entrypoint'],
    outputModes: ['logs', 'collector'],
  },
});

const reportFiles = (dir: string, ptp: string): string[] =>
  existsSync(join(dir, NS, ptp))
    ? readdirSync(join(dir, NS, ptp))
        .filter((f) => f.endsWith('.html'))
        .sort()
    : [];

describe('PowerToolProcessing controller against a real API server', { timeout: 240_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'toe-ptp-it-'));
  const reportsDir = join(root, 'reports');
  let operatorKc: KubeConfig;
  let manager: Manager | undefined;
  let collector: Serving;
  let web: V1Pod;

  const start = (): Promise<Manager> =>
    startManager(operatorKc, {
      operatorNamespace: OPERATOR_NS,
      identity: `ptp-it-${process.pid}`,
      http: { host: '127.0.0.1', port: 0 },
      leaderElection: false,
      leaseName: 'toe-operator-ptp-it',
      injectConcurrency: 4,
      privileges: DEFAULT_TOOL_PRIVILEGES,
      logBindings: { test: 'processing' },
      collectorUrl: `http://127.0.0.1:${collector.address.port}`,
      // Served on loopback here; the EndpointSlice names the node address, as for a host-run operator on a node.
      processing: { reportsDir, bind: { host: '127.0.0.1', port: 0 }, address: NODE_IP },
    });

  before(async () => {
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS);
    // Configs for the tools the test's PowerTools name, so admission (when another suite left it registered) admits them.
    for (const tool of TOOLS) await serverSideApply(clients.kc, toolConfig(tool), 'powertoolconfigs');
    operatorKc = await operatorKubeConfig(clients, OPERATOR_NS);
    const store = await Store.open(join(root, 'collector'), { maxArtifactBytes: 64 << 20, maxRunBytes: 256 << 20, idleTimeoutMs: 60_000 });
    const app = createCollectorApp({
      store,
      authenticate: reviewingAuthenticator(tokenReview(clients.kc)),
      readers: [`system:serviceaccount:${OPERATOR_NS}:toe-operator`],
      log: pino({ level: 'silent' }),
    });
    collector = await serve(app, { host: '127.0.0.1', port: 0, idleTimeoutMs: 60_000 });
    web = await runningPod(clients, NS, 'web-1', { app: 'web' });
    manager = await start();
  });

  after(async () => {
    // Deleted while the operator runs, so the PowerTool controller releases its finalizers.
    await clients.custom
      .deleteCollectionNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools' })
      .catch(() => undefined);
    await waitFor(
      'PowerTools gone',
      async () =>
        ((await clients.custom.listNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools' })) as { items: unknown[] })
          .items.length === 0,
    ).catch(() => undefined);
    await manager?.stop();
    await collector?.close(100);
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    for (const tool of TOOLS)
      await clients.custom
        .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name: tool })
        .catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  let firstReport: { id: string; generatedAt: string; mtimeMs: number } | undefined;

  it('builds exactly one report when a covered PowerTool finishes, from the collector, served under the Ingress prefix', async () => {
    await createPtp('on-done', {
      source: { tool: 'it-ptp-perf' },
      report: { expose: { ingress: { host: 'reports.toe.test', path: '/toe/', className: 'toe' } } },
    });
    const uid = await finishedPowerTool('web-perf', { tool: 'it-ptp-perf', pod: web, beforeFinish: (u) => upload(collector, web, u) });
    const id = runReportId('web-perf', uid);
    const p = await untilPtp(
      'on-done',
      'one report',
      (x) => (x.status?.reports ?? []).length === 1 && x.status?.conditions?.some((c) => c.type === 'Ready') === true,
    );
    const rec = p.status?.reports?.[0];
    assert.equal(rec?.id, id);
    assert.deepEqual(rec?.powerTools, ['web-perf']);
    assert.equal(rec?.url, `http://reports.toe.test/toe/${NS}/on-done/${id}.html`);
    assert.equal(rec?.analysis, 'None');
    assert.ok((rec?.findings ?? 0) >= 1, `the hot function is a finding: ${JSON.stringify(p.status)}`);
    assert.equal(p.status?.observedGeneration, p.metadata.generation);
    assert.equal(p.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', JSON.stringify(p.status?.conditions));
    assert.equal(p.status?.conditions?.find((c) => c.type === 'ReportsServed')?.status, 'True', JSON.stringify(p.status?.conditions));

    const file = join(reportsDir, NS, 'on-done', `${id}.html`);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /hot_loop/);
    assert.doesNotMatch(html, /no longer exist/, 'the target pod is in the report');
    assert.deepEqual(reportFiles(reportsDir, 'on-done'), [`${id}.html`]);
    assert.match(readFileSync(join(reportsDir, 'index.html'), 'utf8'), new RegExp(`${NS}/on-done/${id}\\.html`));
    firstReport = { id, generatedAt: rec?.generatedAt ?? '', mtimeMs: statSync(file).mtimeMs };

    // Served by the operator, under the Ingress path prefix as the Ingress controller forwards it.
    const served = await fetch(`http://127.0.0.1:${manager?.reportsPort}/toe/${NS}/on-done/${id}.html`);
    assert.equal(served.status, 200);
    assert.match(await served.text(), /hot_loop/);

    const metrics = (await manager?.metrics.registry.getSingleMetricAsString('toe_reports_total')) ?? '';
    assert.match(metrics, /toe_reports_total\{result="built"\} [1-9]/);

    const events = await waitFor('ReportBuilt Event', async () =>
      (await clients.events.listNamespacedEvent({ namespace: NS })).items.find(
        (e) => e.reason === 'ReportBuilt' && e.regarding?.name === 'on-done',
      ),
    );
    assert.equal(events.related?.name, 'web-perf');
  });

  it('owns the Service, its EndpointSlice and the Ingress', async () => {
    const p = await getPtp('on-done');
    const owner = [
      { apiVersion: `${group}/${version}`, kind: 'PowerToolProcessing', name: 'on-done', uid: p.metadata.uid, controller: true },
    ];
    const svc = await clients.core.readNamespacedService({ name: 'toe-reports-on-done', namespace: NS });
    assert.deepEqual(
      svc.metadata?.ownerReferences?.map((o) => ({ ...o })),
      owner,
    );
    assert.equal(svc.spec?.selector, undefined);
    const slice = await clients.kc
      .makeApiClient(DiscoveryV1Api)
      .readNamespacedEndpointSlice({ name: 'toe-reports-on-done', namespace: NS });
    assert.deepEqual(
      (slice.endpoints ?? []).map((e) => e.addresses),
      [[NODE_IP]],
    );
    assert.equal(slice.ports?.[0]?.port, manager?.reportsPort);
    assert.equal(slice.metadata?.labels?.['kubernetes.io/service-name'], 'toe-reports-on-done');
    const ingress = await clients.kc.makeApiClient(NetworkingV1Api).readNamespacedIngress({ name: 'toe-reports-on-done', namespace: NS });
    assert.deepEqual(
      ingress.metadata?.ownerReferences?.map((o) => ({ ...o })),
      owner,
    );
    assert.equal(ingress.spec?.ingressClassName, 'toe');
    assert.equal(ingress.spec?.rules?.[0]?.host, 'reports.toe.test');
    assert.deepEqual(JSON.parse(JSON.stringify(ingress.spec?.rules?.[0]?.http?.paths[0])), {
      path: '/toe',
      pathType: 'Prefix',
      backend: { service: { name: 'toe-reports-on-done', port: { name: 'http' } } },
    });
  });

  it('makes no second report after an operator restart', async () => {
    await manager?.stop();
    manager = await start();
    // Long enough for the new leader to have visited every processing.
    await new Promise((r) => setTimeout(r, 4000));
    const p = await getPtp('on-done');
    assert.equal(p.status?.reports?.length, 1);
    assert.equal(p.status?.reports?.[0]?.generatedAt, firstReport?.generatedAt);
    assert.deepEqual(reportFiles(reportsDir, 'on-done'), [`${firstReport?.id}.html`]);
    assert.equal(
      statSync(join(reportsDir, NS, 'on-done', `${firstReport?.id}.html`)).mtimeMs,
      firstReport?.mtimeMs,
      'the file was not rewritten',
    );
  });

  it('removes the Ingress when the spec stops asking for it', async () => {
    await clients.custom.patchNamespacedCustomObject({
      group,
      version,
      namespace: NS,
      plural: 'powertoolprocessings',
      name: 'on-done',
      body: [{ op: 'remove', path: '/spec/report/expose' }],
    });
    const networking = clients.kc.makeApiClient(NetworkingV1Api);
    await waitFor('Ingress deleted', async () =>
      networking.readNamespacedIngress({ name: 'toe-reports-on-done', namespace: NS }).then(
        () => false,
        () => true,
      ),
    );
    const p = await untilPtp('on-done', 'status for the new generation', (x) => x.status?.observedGeneration === x.metadata.generation);
    assert.equal(p.status?.reports?.length, 1, 'the report stays');
  });

  it('re-runs a schedule once per period with runs in it, never twice for a period', async () => {
    await createPtp('sched', {
      source: { selector: { matchLabels: { batch: 'b' } } },
      trigger: { onCompletion: false, schedule: { interval: '10s' } },
    });
    // A pod of its own: with a controller-manager running, pod GC removes pods bound to a node that does not exist.
    const pod1 = await runningPod(clients, NS, 'batch-pod-1', { app: 'batch' });
    await finishedPowerTool('batch-1', {
      tool: 'it-ptp-perf',
      labels: { batch: 'b' },
      pod: pod1,
      beforeFinish: (u) => upload(collector, pod1, u),
    });
    const one = await untilPtp('sched', 'the first period report', (x) => (x.status?.reports ?? []).length === 1, 40_000);
    assert.match(one.status?.reports?.[0]?.id ?? '', /^period-\d{8}T\d{6}Z$/);
    assert.deepEqual(one.status?.reports?.[0]?.powerTools, ['batch-1']);
    assert.ok(one.status?.nextRunAt, 'the next firing is in the status');
    // The next run lands in a later period.
    const firstEnd = Date.parse(one.status?.reports?.[0]?.finishedAt ?? '');
    while (Date.now() < firstEnd + 500) await new Promise((r) => setTimeout(r, 200));
    const pod2 = await runningPod(clients, NS, 'batch-pod-2', { app: 'batch' });
    await finishedPowerTool('batch-2', {
      tool: 'it-ptp-perf',
      labels: { batch: 'b' },
      pod: pod2,
      beforeFinish: (u) => upload(collector, pod2, u),
    });
    const two = await untilPtp('sched', 'the second period report', (x) => (x.status?.reports ?? []).length === 2, 40_000);
    const ids = two.status?.reports?.map((r) => r.id) ?? [];
    assert.equal(new Set(ids).size, 2);
    assert.deepEqual(
      two.status?.reports?.map((r) => r.powerTools),
      [['batch-1'], ['batch-2']],
    );
    assert.equal(ids[0], periodReportId(Math.floor(Date.parse(two.status?.reports?.[0]?.finishedAt ?? '') / 10_000) * 10_000 - 10_000));
    // Two more periods pass with no new run: nothing is added or rebuilt.
    const generated = two.status?.reports?.map((r) => r.generatedAt);
    await new Promise((r) => setTimeout(r, 21_000));
    const later = await getPtp('sched');
    assert.deepEqual(
      later.status?.reports?.map((r) => r.generatedAt),
      generated,
    );
    assert.deepEqual(reportFiles(reportsDir, 'sched'), ids.map((id) => `${id}.html`).sort());
  });

  it('keeps the newest maxReports: builds only those, and deletes the oldest when a newer run finishes', async () => {
    await createPtp('keep2', { source: { tool: 'it-ptp-ret' }, report: { retention: { maxReports: 2 } } });
    const now = Date.now();
    const uids: string[] = [];
    for (const [i, ago] of [180_000, 120_000, 60_000].entries())
      uids.push(await finishedPowerTool(`ret-${i}`, { tool: 'it-ptp-ret', pod: web, finishedAt: new Date(now - ago) }));
    const p = await untilPtp('keep2', 'two reports', (x) => (x.status?.reports ?? []).length === 2);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(
      (await getPtp('keep2')).status?.reports?.map((r) => r.powerTools[0]),
      ['ret-1', 'ret-2'],
      'the oldest run is never built',
    );
    assert.deepEqual(
      reportFiles(reportsDir, 'keep2'),
      [runReportId('ret-1', uids[1] ?? ''), runReportId('ret-2', uids[2] ?? '')].map((id) => `${id}.html`).sort(),
    );
    assert.ok(p);

    uids.push(await finishedPowerTool('ret-3', { tool: 'it-ptp-ret', pod: web }));
    const after3 = await untilPtp('keep2', 'ret-1 pruned', (x) => x.status?.reports?.map((r) => r.powerTools[0]).join() === 'ret-2,ret-3');
    assert.equal(after3.status?.reports?.length, 2);
    assert.deepEqual(
      reportFiles(reportsDir, 'keep2'),
      [runReportId('ret-2', uids[2] ?? ''), runReportId('ret-3', uids[3] ?? '')].map((id) => `${id}.html`).sort(),
    );
    await waitFor('ReportsPruned Event', async () =>
      (await clients.events.listNamespacedEvent({ namespace: NS })).items.find(
        (e) => e.reason === 'ReportsPruned' && e.regarding?.name === 'keep2',
      ),
    );
  });

  it('removes the reports of a deleted processing', async () => {
    assert.ok(existsSync(join(reportsDir, NS, 'keep2')));
    await clients.custom.deleteNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertoolprocessings', name: 'keep2' });
    await waitFor('keep2 reports removed', async () => !existsSync(join(reportsDir, NS, 'keep2')));
    assert.doesNotMatch(readFileSync(join(reportsDir, 'index.html'), 'utf8'), /keep2/);
    assert.ok(existsSync(join(reportsDir, NS, 'sched')), 'other processings keep theirs');
  });

  it('builds the report when Ollama cannot be reached, with the analysis marked Failed, and says what could not be read', async () => {
    // A port nothing listens on: taken, then released.
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    await createPtp('rca', {
      source: { tool: 'it-ptp-rca' },
      analysis: { endpoint: `http://127.0.0.1:${closed}`, model: 'llama3.1:8b', timeout: '5s', retries: 1 },
    });
    const started = Date.now();
    const pod = await runningPod(clients, NS, 'web-rca', { app: 'rca' });
    const uid = await finishedPowerTool('rca-run', { tool: 'it-ptp-rca', mode: 'logs', pod });
    const p = await untilPtp('rca', 'a report', (x) => (x.status?.reports ?? []).length === 1);
    assert.ok(Date.now() - started < 25_000, 'nothing hangs on the unreachable endpoint');
    const rec = p.status?.reports?.[0];
    assert.equal(rec?.id, runReportId('rca-run', uid));
    assert.equal(rec?.analysis, 'Failed');
    const html = readFileSync(join(reportsDir, NS, 'rca', `${rec?.id}.html`), 'utf8');
    assert.match(html, new RegExp(`cannot reach Ollama at http://127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\)`));
    // Logs mode with no kubelet: the log cannot be read, and the report says so instead of failing.
    assert.match(html, /could not be read/);
    await waitFor('AnalysisFailed Event', async () =>
      (await clients.events.listNamespacedEvent({ namespace: NS })).items.find(
        (e) => e.reason === 'AnalysisFailed' && e.regarding?.name === 'rca',
      ),
    );
  });
});
