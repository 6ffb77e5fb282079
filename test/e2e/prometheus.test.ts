/**
 * The prometheus steady-state probe against a real Prometheus (built from its pinned Go module, run as a host
 * process) that scrapes the suite operator's own /metrics every second: the query and its comparison as the probe
 * makes them, then through PowerTools on a real API server: a probe that holds ends with SteadyStateHeld=True, a
 * breached threshold keeps the run from starting, and a tool whose PowerToolConfig names no server is refused,
 * naming the field. The pods are never scheduled; their status is written by the test, as in steady-state.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { GROUP, VERSION, prometheusProbe, type PowerTool } from '../../src/api/index.ts';
import { strategicMerge } from '../../src/kube/patch.ts';
import type { Manager } from '../../src/operator/manager.ts';
import { judgePrometheus, queryPrometheus } from '../../src/operator/powertool/steady-state/prometheus.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.ts';
import { untilSteadyStateServed } from '../integration/steady-state-served.ts';
import {
  ensureNamespace,
  installCrds,
  neverPulledConfig,
  operatorKubeConfig,
  runningPod,
  startSuiteOperator,
  terminateEphemeral,
  testClients,
} from '../integration/kube.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const NS = `prom-it-${Date.now().toString(36)}`;
const TOOL = 'it-prom';
const TOOL_WITHOUT = 'it-prom-none';
const group = GROUP;
const version = VERSION;
const UP = 'up{job="toe-operator"}';

const createPt = (name: string, spec: Record<string, unknown>) =>
  clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertools',
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'PowerTool', metadata: { name }, spec },
  });
const getPt = async (name: string) =>
  (await clients.custom.getNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools', name })) as PowerTool;
const readPod = (name: string): Promise<V1Pod> => clients.core.readNamespacedPod({ name, namespace: NS });
/** On a time-out: the PowerTool's conditions and probe records, so the failure says what the operator decided. */
const statusOf = (name: string) => async () => {
  const st = (await getPt(name)).status;
  return JSON.stringify({
    phase: st?.phase,
    conditions: st?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`),
    steadyState: st?.steadyState,
  });
};
const held = (pt: PowerTool) => pt.status?.conditions?.find((c) => c.type === 'SteadyStateHeld');
const createConfig = (body: Record<string, unknown>) =>
  clients.custom.createNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', body });
const deleteConfig = (name: string) =>
  clients.custom
    .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name })
    .catch(() => undefined);
const probe = (query: string, comparison: string, threshold: number) => ({
  name: 'operator-up',
  kind: 'prometheus',
  interval: '1s',
  prometheus: { query, comparison, threshold, timeout: '1s' },
});

describe('the prometheus probe against a real Prometheus', () => {
  let manager: Manager | undefined;
  let prometheus: RunningPrometheus | undefined;
  let operatorKc: KubeConfig;

  before(async () => {
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    operatorKc = await operatorKubeConfig(clients, OPERATOR_NS);
    manager = await startSuiteOperator(operatorKc, OPERATOR_NS, 'prom');
    prometheus = await startPrometheus({ 'toe-operator': `127.0.0.1:${manager.httpPort}` });
    const withServer = neverPulledConfig(TOOL, OPERATOR_NS) as { spec: Record<string, unknown> };
    withServer.spec.steadyState = { prometheus: [{ name: 'node', url: prometheus.url }] };
    await deleteConfig(TOOL);
    await deleteConfig(TOOL_WITHOUT);
    await createConfig(withServer);
    await createConfig(neverPulledConfig(TOOL_WITHOUT, OPERATOR_NS));
    await untilSteadyStateServed(clients, NS, TOOL, probe(UP, '==', 1));
    for (const name of ['held-1', 'breached-1', 'unconfigured-1']) await runningPod(clients, NS, name, { app: name.replace(/-1$/, '') });
    const url = prometheus.url;
    // The first scrape of the operator: from here on the series exists.
    await waitFor('the operator scraped', async () => {
      const v = await queryPrometheus(url, prometheusProbe.parse({ query: UP, comparison: '==', threshold: 1 }));
      return 'value' in v && v.value === 1;
    });
  });

  after(async () => {
    await manager?.stop();
    await prometheus?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    await deleteConfig(TOOL);
    await deleteConfig(TOOL_WITHOUT);
  });

  const check = async (query: string, comparison: string, threshold: number) => {
    const spec = prometheusProbe.parse({ query, comparison, threshold });
    return judgePrometheus(spec, await queryPrometheus(prometheus?.url ?? '', spec));
  };

  it("passes a threshold the operator's real metrics meet and fails one they breach", async () => {
    assert.deepEqual(await check(UP, '>=', 1), { ok: true, value: 'value 1, >= 1' });
    assert.deepEqual(await check(UP, '<', 1), { ok: false, value: 'value 1, wanted < 1' });
    // What the operator's /metrics serves (prom-client's process metrics and TOE's own) arrives as samples.
    const scraped = await check('scrape_samples_scraped{job="toe-operator"}', '>', 20);
    assert.equal(scraped.ok, true, scraped.value);
    const reconciles = await check('count(toe_reconcile_duration_seconds_bucket{job="toe-operator"})', '>', 0);
    assert.equal(reconciles.ok, true, reconciles.value);
  });

  it('fails an empty result, several series and a query the server refuses, saying why', async () => {
    assert.deepEqual(await check('up{job="no-such-job"}', '>=', 1), { ok: false, value: 'the query returned no series' });
    assert.match((await check('{job="toe-operator"}', '>=', 1)).value, /^the query returned \d+ series, not one$/);
    assert.match((await check('sum(', '>=', 1)).value, /^HTTP 400: query error \(bad_data\)/);
    assert.deepEqual(await check('0/0', '>=', 1), { ok: false, value: 'the value is NaN' });
  });

  it('ends with SteadyStateHeld=True when the query holds during and after the run', async () => {
    await createPt('held', {
      targets: { selector: { matchLabels: { app: 'held' } } },
      tool: { name: TOOL },
      steadyState: [probe(UP, '==', 1)],
    });
    const pod = await waitFor(
      'held-1 injected',
      async () => {
        const p = await readPod('held-1');
        return (p.spec?.ephemeralContainers ?? []).length > 0 ? p : undefined;
      },
      { explain: statusOf('held') },
    );
    const container = pod.spec?.ephemeralContainers?.[0]?.name ?? '';
    const startedAt = new Date();
    const status = {
      ephemeralContainerStatuses: [
        { name: container, ready: false, restartCount: 0, image: 'x', imageID: '', state: { running: { startedAt } } },
      ],
    };
    await clients.core.patchNamespacedPodStatus({ name: 'held-1', namespace: NS, body: { status } }, strategicMerge());
    await waitFor('checks during the run', async () => {
      const p = await getPt('held');
      return (p.status?.steadyState?.probes[0]?.checks ?? 0) >= 2 ? p : undefined;
    });
    await terminateEphemeral(clients, await readPod('held-1'), container, 0, '{}');
    const pt = await waitFor('verdict', async () => {
      const p = await getPt('held');
      return p.status?.steadyState?.stage === 'Done' ? p : undefined;
    });
    assert.equal(pt.status?.phase, 'Succeeded');
    assert.equal(held(pt)?.status, 'True');
    assert.equal(held(pt)?.reason, 'Held');
    const record = pt.status?.steadyState?.probes[0];
    assert.equal(record?.failures, 0);
    assert.equal(record?.lastValue, 'value 1, == 1');
  });

  it('does not start a run whose threshold is breached before the start, saying the value', async () => {
    await createPt('breached', {
      targets: { selector: { matchLabels: { app: 'breached' } } },
      tool: { name: TOOL },
      steadyState: [probe(UP, '<', 1)],
    });
    const pt = await waitFor(
      'refused run',
      async () => {
        const p = await getPt('breached');
        return held(p)?.status === 'False' ? p : undefined;
      },
      { explain: statusOf('breached') },
    );
    assert.equal(held(pt)?.reason, 'NotHeldBeforeStart');
    assert.match(held(pt)?.message ?? '', /probe operator-up saw value 1, wanted < 1/);
    assert.deepEqual(pt.status?.targets ?? [], []);
    assert.deepEqual((await readPod('breached-1')).spec?.ephemeralContainers ?? [], []);
  });

  it('refuses a prometheus probe for a tool whose PowerToolConfig names no server, naming the field', async () => {
    await createPt('unconfigured', {
      targets: { selector: { matchLabels: { app: 'unconfigured' } } },
      tool: { name: TOOL_WITHOUT },
      steadyState: [probe(UP, '==', 1)],
    });
    const pt = await waitFor('refused', async () => {
      const p = await getPt('unconfigured');
      return p.status?.conditions?.some((c) => c.type === 'Admitted' && c.status === 'False') ? p : undefined;
    });
    const admitted = pt.status?.conditions?.find((c) => c.type === 'Admitted');
    assert.match(admitted?.message ?? '', /spec\.steadyState\[0\]\.prometheus: Forbidden: no Prometheus server is configured/);
    assert.match(admitted?.message ?? '', /PowerToolConfig, spec\.steadyState\.prometheus/);
    assert.deepEqual((await readPod('unconfigured-1')).spec?.ephemeralContainers ?? [], []);
  });
});
