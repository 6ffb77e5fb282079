/**
 * The pod-kill action against a real kube-apiserver: an eviction that a PodDisruptionBudget forbids is refused
 * with the budget's name and the pod stays; with the budget gone the same eviction goes through (a dry run first
 * changes nothing). The API server applies the budgets itself; the disruption controller (when the harness runs
 * one) computes the budget's status, else the server refuses it as "still being processed" — a refusal naming
 * the budget either way.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyV1Api } from '@kubernetes/client-node';
import { evictPod } from '../../src/operator/powertool/evict.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { ensureNamespace, runningPod, testClients } from './kube.ts';

const clients = testClients();
const policy = clients.kc.makeApiClient(PolicyV1Api);
const NS = `it-evict-${Date.now().toString(36)}`;

const podExists = (name: string) =>
  clients.core.readNamespacedPod({ name, namespace: NS }).then(
    (p) => p.metadata?.deletionTimestamp === undefined,
    () => false,
  );

describe('pod-kill eviction', () => {
  before(async () => {
    await ensureNamespace(clients, NS);
    await runningPod(clients, NS, 'web-1', { app: 'web' });
    await policy.createNamespacedPodDisruptionBudget({
      namespace: NS,
      body: { metadata: { name: 'web-budget' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } },
    });
    // Let the disruption controller observe the budget when there is one; without it the server still refuses.
    await waitFor(
      'budget observed',
      async () => {
        const b = await policy.readNamespacedPodDisruptionBudget({ name: 'web-budget', namespace: NS });
        return (b.status?.observedGeneration ?? 0) >= (b.metadata?.generation ?? 1) || undefined;
      },
      { timeoutMs: 10_000 },
    ).catch(() => undefined);
  });
  after(async () => {
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  it('refuses an eviction the budget forbids, naming the budget, and leaves the pod', async () => {
    const r = await evictPod(clients.core, NS, 'web-1');
    assert.equal(r.outcome, 'RefusedByBudget', JSON.stringify(r));
    assert.ok(r.outcome === 'RefusedByBudget');
    assert.deepEqual(r.budgets, ['web-budget']);
    assert.match(
      r.message,
      /^eviction of pod web-1 refused by PodDisruptionBudget "web-budget": The disruption budget web-budget .*; not forced$/,
    );
    assert.equal(await podExists('web-1'), true);
  });

  it('evicts once no budget forbids it; a dry run first changes nothing', async () => {
    await policy.deleteNamespacedPodDisruptionBudget({ name: 'web-budget', namespace: NS });
    await waitFor(
      'budget gone',
      () =>
        policy.readNamespacedPodDisruptionBudget({ name: 'web-budget', namespace: NS }).then(
          () => undefined,
          () => true,
        ),
      { timeoutMs: 10_000 },
    );
    assert.deepEqual(await evictPod(clients.core, NS, 'web-1', { dryRun: true }), { pod: 'web-1', outcome: 'Evicted' });
    assert.equal(await podExists('web-1'), true);
    assert.deepEqual(await evictPod(clients.core, NS, 'web-1', { gracePeriodSeconds: 0 }), { pod: 'web-1', outcome: 'Evicted' });
    await waitFor('web-1 deleted', async () => !(await podExists('web-1')) || undefined, { timeoutMs: 10_000 });
  });

  it('reports a pod that is already gone as Gone', async () => {
    assert.deepEqual(await evictPod(clients.core, NS, 'no-such-pod'), { pod: 'no-such-pod', outcome: 'Gone' });
  });
});
