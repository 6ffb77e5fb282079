/**
 * pod-kill on a real node: the operator evicts a Deployment's pod through the Eviction API and the Deployment
 * replaces it, judged from the API (the pod's UID is gone, a new Running one took its place), not from the run's own
 * status alone. With a PodDisruptionBudget of minAvailable 2 over the 2 replicas the run is refused at selection,
 * naming the budget, and both pods stay as they were. Cheap: two replicas of the 1%-busy sample image.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, PolicyV1Api } from '@kubernetes/client-node';
import { ensureNamespace, testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { finished, powerTools, runningPods, sleep } from './tools.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const apps = clients.kc.makeApiClient(AppsV1Api);
const policy = clients.kc.makeApiClient(PolicyV1Api);
const NS = `e2e-podkill-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
let operator: OperatorProcess | undefined;

const kill = async (name: string, pod: string) => {
  await pts.create(name, { targets: { selector: { matchLabels: { app: 'victim' } }, pods: [pod] }, tool: { name: 'pod-kill' } });
  return pts.until(name, 'finished', finished, 30_000);
};
const uids = async () =>
  (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=victim' })).items.map((p) => p.metadata?.uid).sort();

describe('pod-kill on a real node', () => {
  before(async () => {
    const kubeconfig = await prepare(clients, ['pod-kill']);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'victim' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'victim' } },
          template: {
            metadata: { labels: { app: 'victim' } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: 'app',
                  image: 'localhost/toe-demo-hot:0.1.0',
                  imagePullPolicy: 'IfNotPresent',
                  args: ['1'],
                  resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
                },
              ],
            },
          },
        },
      },
    });
    await runningPods(clients, NS, 'victim', 2);
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  it('refuses a run its PodDisruptionBudget forbids, naming the budget, and touches no pod', async () => {
    await policy.createNamespacedPodDisruptionBudget({
      namespace: NS,
      body: { metadata: { name: 'victim-budget' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'victim' } } } },
    });
    // The disruption controller's verdict: 2 healthy of 2 required, so no disruption is allowed.
    await waitFor('budget computed', async () => {
      const b = await policy.readNamespacedPodDisruptionBudget({ name: 'victim-budget', namespace: NS });
      return (b.status?.observedGeneration ?? 0) >= (b.metadata?.generation ?? 1) && b.status?.currentHealthy === 2 ? b : undefined;
    });
    const before = await uids();
    const [pod] = await runningPods(clients, NS, 'victim', 2);
    const done = await kill('over-budget', pod?.metadata?.name ?? '');
    assert.equal(done.status?.phase, 'Failed', JSON.stringify(done.status));
    const selected = done.status?.conditions?.find((c) => c.type === 'Selected');
    assert.equal(selected?.reason, 'DisruptionBudgetExceeded');
    assert.match(selected?.message ?? '', /^PodDisruptionBudget "victim-budget" allows 0 disruption\(s\) now \(2 healthy, 2 required\)/);
    assert.deepEqual(await uids(), before);
  });

  it('evicts the pod, which its Deployment replaces, and records Evicted', async (t) => {
    await policy.deleteNamespacedPodDisruptionBudget({ name: 'victim-budget', namespace: NS });
    await waitFor('budget gone', () =>
      policy.readNamespacedPodDisruptionBudget({ name: 'victim-budget', namespace: NS }).then(
        () => undefined,
        () => true,
      ),
    );
    // The operator's budget cache follows the deletion through its watch.
    await sleep(1_000);
    const [victim, peer] = await runningPods(clients, NS, 'victim', 2);
    const name = victim?.metadata?.name ?? '';
    const done = await kill('kill-one', name);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status));
    const [target] = done.status?.targets ?? [];
    assert.deepEqual([target?.pod, target?.phase, target?.reason], [name, 'Succeeded', 'Evicted']);
    assert.ok(target?.evictedAt);
    const replaced = await waitFor(
      'the Deployment replaced the evicted pod',
      async () => {
        const pods = await runningPods(clients, NS, 'victim', 2);
        return pods.every((p) => p.metadata?.uid !== victim?.metadata?.uid) ? pods : undefined;
      },
      { timeoutMs: 40_000 },
    );
    t.diagnostic(`evicted ${name}; now ${replaced.map((p) => p.metadata?.name).join(', ')}`);
    assert.ok(
      replaced.some((p) => p.metadata?.uid === peer?.metadata?.uid),
      'the peer was not touched',
    );
  });
});
