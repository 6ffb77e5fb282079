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
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { GROUP, VERSION, type PowerTool, type PowerToolProcessing } from '../../src/api/index.ts';
import { network } from '../../src/cluster/settings.ts';
import { testClients } from '../integration/kube.ts';
import { demoDeployment, prepare, startOperator, type OperatorProcess } from './operator.ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import {
  CHROMIUM,
  HOT_FUNCTION,
  getVia,
  hotContainer,
  ingressClass,
  keepScreenshot,
  launchChromium,
  openReport,
  reach,
} from './report-page.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `report-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const group = GROUP;
const version = VERSION;
const INGRESS_HOST = 'reports.toe.test';

describe('report of a perf run on a real node', { timeout: 420_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'toe-e2e-report-'));
  let operator: OperatorProcess | undefined;
  let browser: Browser | undefined;
  let className: string | undefined;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y $(cat test/host-packages.txt)`);
    const kubeconfig = await prepare(clients, ['perf']);
    const { container, volumes } = await hotContainer(clients, work, 100, { limits: { cpu: '500m', memory: '32Mi' } });
    // The program is the container's main process, so perf finds it as PID 1 of the shared namespace.
    await demoDeployment(clients, NS, 'hot', 1, [container], volumes);
    className = await ingressClass(clients);
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
      group,
      version,
      namespace: NS,
      plural: 'powertoolprocessings',
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'PowerToolProcessing',
        metadata: { name: 'hot-report' },
        spec: {
          source: { powerTool: 'hot-perf' },
          ...(className ? { report: { expose: { ingress: { host: INGRESS_HOST, path: '/', className } } } } : {}),
        },
      },
    });
    await clients.custom.createNamespacedCustomObject({
      group,
      version,
      namespace: NS,
      plural: 'powertools',
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'PowerTool',
        metadata: { name: 'hot-perf' },
        spec: { targets: { selector: { matchLabels: { app: 'hot' } } }, tool: { name: 'perf', duration: '12s' } },
      },
    });
    const pt = await waitFor(
      'perf finished',
      async () => {
        const p = (await clients.custom.getNamespacedCustomObject({
          group,
          version,
          namespace: NS,
          plural: 'powertools',
          name: 'hot-perf',
        })) as PowerTool;
        return p.status?.finishedAt ? p : undefined;
      },
      { timeoutMs: 180_000 },
    );
    assert.equal(pt.status?.phase, 'Succeeded', JSON.stringify(pt.status?.targets));
    const ptp = await waitFor(
      'a report in the status',
      async () => {
        const p = (await clients.custom.getNamespacedCustomObject({
          group,
          version,
          namespace: NS,
          plural: 'powertoolprocessings',
          name: 'hot-report',
        })) as PowerToolProcessing;
        return (p.status?.reports ?? []).length > 0 ? p : undefined;
      },
      { timeoutMs: 120_000 },
    );
    const report = ptp.status?.reports?.[0];
    assert.ok(report?.url, JSON.stringify(ptp.status));
    assert.ok((report?.findings ?? 0) >= 1, 'the hot function is a finding');
    assert.equal(ptp.status?.conditions?.find((c) => c.type === 'ReportsServed')?.status, 'True');

    const reached = await reach(clients, NS, 'hot-report', report.url, className);
    process.stderr.write(`report: ${reached.url.href} via the ${reached.via} at ${reached.address}\n`);
    browser = await launchChromium(reached.address, reached.url.hostname);
    const { page, problems, requests, status } = await openReport(browser, reached.url);
    assert.equal(status, 200);
    const frames = page.locator('svg.flame-svg title', { hasText: HOT_FUNCTION });
    assert.ok((await frames.count()) > 0, `the flame graph names ${HOT_FUNCTION}`);
    assert.equal(await page.locator('svg.flame-svg text', { hasText: HOT_FUNCTION }).first().isVisible(), true);
    await keepScreenshot(page, 'report-e2e.png');
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [reached.url.href]);

    // The same results for programs, beside the page and through the same route.
    const beside = (suffix: string): URL => new URL(reached.url.href.replace(/\.html$/, suffix));
    const json = await getVia(reached.address, beside('.report.json'));
    assert.equal(json.status, 200);
    assert.match(json.type, /^application\/json/);
    const schema = JSON.parse(
      readFileSync(new URL('../../processing/report/results/report.v1.schema.json', import.meta.url), 'utf8'),
    ) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const doc = JSON.parse(json.body) as { targets: { phase: string }[]; steadyState: { verdict: string } };
    assert.equal(validate(doc), true, JSON.stringify(validate.errors));
    assert.deepEqual(
      doc.targets.map((t) => t.phase),
      ['Succeeded'],
    );
    assert.equal(doc.steadyState.verdict, 'NotChecked');
    const csv = await getVia(reached.address, beside('.targets.csv'));
    assert.equal(csv.status, 200);
    assert.equal(csv.body.trimEnd().split('\r\n').length, 2, 'a header and one target');
    const junit = await getVia(reached.address, beside('.junit.xml'));
    assert.equal(junit.status, 200);
    assert.match(junit.body, /<testsuites [^>]*tests="1" failures="0"/);
  });
});
