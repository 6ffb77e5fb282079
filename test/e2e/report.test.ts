/**
 * A report end to end on the real node: the CPU-bound sample app (samples/apps/cpu-hot), a real perf PowerTool
 * in output mode logs, the operator (a real `toe operator` process under the chart's permissions) building the
 * report on completion and serving it, and the report's URL from the PowerToolProcessing's status opened in
 * headless Chromium — through the Ingress controller when the cluster runs one (an IngressClass exists and the
 * Ingress gets an address), else through the Service's ClusterIP, which kube-proxy routes to the operator. No
 * console error, no request but the page, and the flame graph names the app's hot function. The screenshot is
 * kept in .artifacts/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkingV1Api, type V1Container, type V1Volume } from '@kubernetes/client-node';
import { chromium, type Browser } from 'playwright-core';
import { GROUP, VERSION, type PowerTool, type PowerToolProcessing } from '../../src/api/index.ts';
import { BASE_IMAGE, network } from '../../src/cluster/settings.ts';
import { testClients, waitFor } from '../integration/kube.ts';
import { demoDeployment, prepare, startOperator, type OperatorProcess } from './operator.ts';

const clients = testClients();
const NS = `report-${Date.now().toString(36)}`;
const group = GROUP;
const version = VERSION;
const repo = new URL('../..', import.meta.url).pathname;
const CHROMIUM = '/usr/bin/chromium';
const HOT_FUNCTION = 'toe_demo_hot_loop';
const INGRESS_HOST = 'reports.toe.test';

const HOT_IMAGE = 'localhost/toe-demo-hot:0.1.0';

/** The sample app, built as samples/apps/cpu-hot documents (static, frame pointers, -O0) into a host directory. */
function buildHotApp(dir: string): void {
  execFileSync('gcc', ['-O0', '-g', '-fno-omit-frame-pointer', '-static', '-o', join(dir, 'toe-demo-hot'), join(repo, 'samples/apps/cpu-hot/main.c')]);
  chmodSync(dir, 0o755);
}

/**
 * The app's container: the sample image `toe cluster up` builds (samples/apps/cpu-hot/image.yaml) when the node has
 * it, else the same program built here and mounted into the base image (a node made before that image existed).
 */
async function hotContainer(work: string): Promise<{ container: V1Container; volumes: V1Volume[] }> {
  const nodes = await clients.core.listNode();
  const limits = { limits: { cpu: '500m', memory: '32Mi' } };
  if (nodes.items.some((n) => (n.status?.images ?? []).some((i) => (i.names ?? []).includes(HOT_IMAGE)))) {
    return { container: { name: 'app', image: HOT_IMAGE, imagePullPolicy: 'Never', args: ['100'], resources: limits }, volumes: [] };
  }
  const dir = join(work, 'app');
  mkdirSync(dir);
  buildHotApp(dir);
  return {
    container: { name: 'app', image: BASE_IMAGE, imagePullPolicy: 'Never', command: ['/hot/toe-demo-hot', '100'], resources: limits, volumeMounts: [{ name: 'hot', mountPath: '/hot', readOnly: true }] },
    volumes: [{ name: 'hot', hostPath: { path: dir, type: 'Directory' } }],
  };
}

/** The HTTP status of `url` asked of `address` (the Host header stays the URL's), or undefined when unreachable. */
function statusVia(address: string, url: URL): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: address, port: Number(url.port || 80), path: url.pathname, headers: { host: url.host }, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? 200 : undefined);
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** The IngressClass to use, when the cluster runs an Ingress controller. */
async function ingressClass(): Promise<string | undefined> {
  const list = await clients.kc.makeApiClient(NetworkingV1Api).listIngressClass().catch(() => undefined);
  const classes = list?.items ?? [];
  const preferred = classes.find((c) => c.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true') ?? classes[0];
  return preferred?.metadata?.name;
}

describe('report of a perf run on a real node', { timeout: 420_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'toe-e2e-report-'));
  let operator: OperatorProcess | undefined;
  let browser: Browser | undefined;
  let className: string | undefined;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y $(cat test/host-packages.txt)`);
    const kubeconfig = await prepare(clients, ['perf']);
    const { container, volumes } = await hotContainer(work);
    // The program is the container's main process, so perf finds it as PID 1 of the shared namespace.
    await demoDeployment(clients, NS, 'hot', 1, [container], volumes);
    className = await ingressClass();
    operator = startOperator(kubeconfig, [`--reports-dir=${join(work, 'reports')}`, `--reports-bind=${network.nodeIp}:0`]);
  });

  after(async () => {
    await browser?.close();
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  it('builds the report on completion; its URL opens in Chromium with the hot function in the flame graph', async () => {
    await clients.custom.createNamespacedCustomObject({
      group, version, namespace: NS, plural: 'powertoolprocessings',
      body: {
        apiVersion: `${group}/${version}`, kind: 'PowerToolProcessing', metadata: { name: 'hot-report' },
        spec: { source: { powerTool: 'hot-perf' }, ...(className ? { report: { expose: { ingress: { host: INGRESS_HOST, path: '/', className } } } } : {}) },
      },
    });
    await clients.custom.createNamespacedCustomObject({
      group, version, namespace: NS, plural: 'powertools',
      body: { apiVersion: `${group}/${version}`, kind: 'PowerTool', metadata: { name: 'hot-perf' }, spec: { targets: { selector: { matchLabels: { app: 'hot' } } }, tool: { name: 'perf', duration: '12s' } } },
    });
    const pt = await waitFor('perf finished', async () => {
      const p = (await clients.custom.getNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools', name: 'hot-perf' })) as PowerTool;
      return p.status?.finishedAt ? p : undefined;
    }, 180_000);
    assert.equal(pt.status?.phase, 'Succeeded', JSON.stringify(pt.status?.targets));
    const ptp = await waitFor('a report in the status', async () => {
      const p = (await clients.custom.getNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertoolprocessings', name: 'hot-report' })) as PowerToolProcessing;
      return (p.status?.reports ?? []).length > 0 ? p : undefined;
    }, 120_000);
    const report = ptp.status?.reports?.[0];
    assert.ok(report?.url, JSON.stringify(ptp.status));
    assert.ok((report?.findings ?? 0) >= 1, 'the hot function is a finding');
    assert.equal(ptp.status?.conditions?.find((c) => c.type === 'ReportsServed')?.status, 'True');

    // Where the URL's host must resolve to: the Ingress controller's address, or the Service's ClusterIP.
    const url = new URL(report.url);
    let address: string | undefined;
    let via = 'Service';
    if (className) {
      address = await waitFor('the Ingress address', async () => {
        const ing = await clients.kc.makeApiClient(NetworkingV1Api).readNamespacedIngress({ name: 'toe-reports-hot-report', namespace: NS });
        return ing.status?.loadBalancer?.ingress?.[0]?.ip;
      }, 60_000).catch(() => undefined);
      via = address ? `Ingress (${className})` : via;
    }
    if (!address) {
      const svc = await clients.core.readNamespacedService({ name: 'toe-reports-hot-report', namespace: NS });
      address = svc.spec?.clusterIP;
      if (className) url.host = `${svc.metadata?.name}.${NS}.svc`;
    }
    assert.ok(address, 'an address to reach the report');
    process.stderr.write(`report: ${url.href} via the ${via} at ${address}\n`);
    // kube-proxy (or the Ingress controller) programs the route asynchronously: wait until the report answers there.
    const target = address;
    await waitFor(`${url.href} answering at ${target}`, () => statusVia(target, url), 60_000);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--host-resolver-rules=MAP ${url.hostname} ${address}`],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const response = await page.goto(url.href, { waitUntil: 'load', timeout: 30_000 });
    assert.equal(response?.status(), 200);
    const frames = page.locator('svg.flame-svg title', { hasText: HOT_FUNCTION });
    assert.ok((await frames.count()) > 0, `the flame graph names ${HOT_FUNCTION}`);
    assert.equal(await page.locator('svg.flame-svg text', { hasText: HOT_FUNCTION }).first().isVisible(), true);
    const artifacts = join(repo, '.artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'report-e2e.png'), fullPage: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url.href]);
  });
});
