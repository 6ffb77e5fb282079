/**
 * pod-kill (PowerToolConfig spec.action evict) and PodDisruptionBudget awareness through the operator, against a
 * real kube-apiserver and under the chart's RBAC: a budget that allows no disruption refuses the run at selection,
 * naming it, and no pod is touched; without a budget the operator evicts the target through the Eviction API and
 * the target's status says Evicted. The pods are never bound to a node (kube.ts runningPod), so no kubelet is needed:
 * an unbound pod is deleted at once by its eviction.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyV1Api } from '@kubernetes/client-node';
import { GROUP, VERSION, type PowerTool } from '../../src/api/index.ts';
import type { Manager } from '../../src/operator/manager.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { ensureNamespace, installCrds, operatorKubeConfig, runningPod, testClients, startSuiteOperator } from './kube.ts';

const clients = testClients();
const policy = clients.kc.makeApiClient(PolicyV1Api);
const OPERATOR_NS = 'toe-system';
const NS = `it-podkill-${Date.now().toString(36)}`;
const TOOL = 'it-pod-kill';
const LATE = 'it-pod-kill-late';
const group = GROUP;
const version = VERSION;

const config = {
  apiVersion: `${GROUP}/${VERSION}`,
  kind: 'PowerToolConfig',
  metadata: { name: TOOL, namespace: OPERATOR_NS },
  spec: { tool: { name: TOOL, kind: 'fault' }, action: 'evict', disruptive: true, limits: { maxArgs: 0 } },
};

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
const finished = (name: string) =>
  waitFor(`${name} finished`, async () => {
    const p = await getPt(name);
    return p.status?.finishedAt ? p : undefined;
  });
const podExists = (name: string) =>
  clients.core.readNamespacedPod({ name, namespace: NS }).then(
    (p) => p.metadata?.deletionTimestamp === undefined,
    () => false,
  );

describe('pod-kill through the operator', () => {
  let manager: Manager | undefined;

  before(async () => {
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    const operatorKc = await operatorKubeConfig(clients, OPERATOR_NS);
    await clients.custom
      .createNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', body: config })
      .catch(() => undefined);
    // The same action without the selection check: the Eviction API's own refusal is what stops it.
    await clients.custom
      .createNamespacedCustomObject({
        group,
        version,
        namespace: OPERATOR_NS,
        plural: 'powertoolconfigs',
        body: {
          ...config,
          metadata: { name: LATE, namespace: OPERATOR_NS },
          spec: { ...config.spec, tool: { name: LATE, kind: 'fault' }, disruptive: false },
        },
      })
      .catch(() => undefined);
    await runningPod(clients, NS, 'web-1', { app: 'web' });
    await runningPod(clients, NS, 'web-2', { app: 'web' });
    await runningPod(clients, NS, 'db-1', { app: 'db' });
    // minAvailable 2 of 2: no disruption is allowed (the pods are not Ready either, so the controller says 0 too).
    await policy.createNamespacedPodDisruptionBudget({
      namespace: NS,
      body: { metadata: { name: 'web-budget' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } },
    });
    manager = await startSuiteOperator(operatorKc, OPERATOR_NS, 'podkill', { injectConcurrency: 4 });
  });

  after(async () => {
    await manager?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    for (const name of [TOOL, LATE])
      await clients.custom
        .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name })
        .catch(() => undefined);
  });

  it('accepts a config with no image or command for action evict, and the API server refuses an inject config without them', async () => {
    const ready = await waitFor('config Ready', async () => {
      const c = (await clients.custom.getNamespacedCustomObject({
        group,
        version,
        namespace: OPERATOR_NS,
        plural: 'powertoolconfigs',
        name: TOOL,
      })) as { status?: { conditions?: { type: string; status: string; message?: string }[] } };
      return c.status?.conditions?.find((x) => x.type === 'Ready');
    });
    assert.equal(ready.status, 'True', ready.message);
    await assert.rejects(
      clients.custom.createNamespacedCustomObject({
        group,
        version,
        namespace: OPERATOR_NS,
        plural: 'powertoolconfigs',
        body: { ...config, metadata: { name: 'it-no-image', namespace: OPERATOR_NS }, spec: { ...config.spec, action: 'inject' } },
      }),
      /action inject needs image and command/,
    );
  });

  it('refuses at selection a run its PodDisruptionBudget forbids, naming the budget, and touches no pod', async () => {
    await createPt('over-budget', { targets: { selector: { matchLabels: { app: 'web' } }, pods: ['web-1'] }, tool: { name: TOOL } });
    const pt = await finished('over-budget');
    assert.equal(pt.status?.phase, 'Failed');
    const selected = pt.status?.conditions?.find((c) => c.type === 'Selected');
    assert.equal(selected?.reason, 'DisruptionBudgetExceeded');
    assert.match(selected?.message ?? '', /^PodDisruptionBudget "web-budget" .*web-1.*no pod was touched$/);
    assert.deepEqual(pt.status?.targets ?? [], []);
    assert.equal(await podExists('web-1'), true);
    const events = await clients.events.listNamespacedEvent({ namespace: NS });
    assert.ok(events.items.some((e) => e.reason === 'SelectionRefused' && /web-budget/.test(e.note ?? '')));
  });

  it('dry run asks the Eviction API and evicts nothing', async () => {
    await createPt('dry', { targets: { selector: { matchLabels: { app: 'db' } } }, tool: { name: TOOL }, dryRun: true });
    const pt = await finished('dry');
    assert.equal(pt.status?.phase, 'DryRun');
    assert.deepEqual(pt.status?.rendered, [
      {
        pod: 'db-1',
        eviction: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          dryRun: true,
          outcome: 'WouldEvict',
          message: 'the Eviction API would evict pod db-1 now',
        },
      },
    ]);
    assert.equal(await podExists('db-1'), true);
  });

  it('evicts a target no budget covers and records it: Evicted, with its time, and the run Succeeded', async () => {
    await createPt('kill-db', { targets: { selector: { matchLabels: { app: 'db' } } }, tool: { name: TOOL } });
    const pt = await finished('kill-db');
    assert.equal(pt.status?.phase, 'Succeeded', JSON.stringify(pt.status));
    const [t] = pt.status?.targets ?? [];
    assert.deepEqual([t?.pod, t?.phase, t?.reason, t?.ephemeralContainer], ['db-1', 'Succeeded', 'Evicted', '']);
    assert.ok(t?.evictedAt && !Number.isNaN(Date.parse(t.evictedAt)));
    await waitFor('db-1 gone', async () => !(await podExists('db-1')) || undefined, { timeoutMs: 10_000 });
    const events = await waitFor('Evicted Events on the PowerTool and on the pod', async () => {
      const list = await clients.events.listNamespacedEvent({ namespace: NS });
      const evicted = list.items.filter((e) => e.reason === 'Evicted' && e.reportingController === 'toe.dev/operator');
      return evicted.length >= 2 ? evicted : undefined;
    });
    assert.deepEqual(events.map((e) => e.regarding?.kind).sort(), ['Pod', 'PowerTool']);
  });

  it('fails a target whose eviction the budget refuses, naming the budget, and never forces it', async () => {
    await createPt('late', { targets: { selector: { matchLabels: { app: 'web' } }, pods: ['web-2'] }, tool: { name: LATE } });
    const pt = await finished('late');
    assert.equal(pt.status?.phase, 'Failed', JSON.stringify(pt.status));
    const [t] = pt.status?.targets ?? [];
    assert.deepEqual([t?.phase, t?.reason, t?.refusedBy], ['Failed', 'EvictionRefused', ['web-budget']]);
    assert.match(t?.message ?? '', /^eviction of pod web-2 refused by PodDisruptionBudget "web-budget": .*; not forced$/);
    assert.match(
      pt.status?.conditions?.find((c) => c.type === 'Completed')?.message ?? '',
      /^0 succeeded, 1 failed; web-2: eviction of pod web-2 refused/,
    );
    assert.equal(await podExists('web-2'), true);
    await waitFor('EvictionRefused Event', async () => {
      const list = await clients.events.listNamespacedEvent({ namespace: NS });
      return list.items.some((e) => e.reason === 'EvictionRefused' && e.type === 'Warning') || undefined;
    });
  });
});
