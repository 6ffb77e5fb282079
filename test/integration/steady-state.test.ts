/**
 * Steady-state probes against a real API server: a start refused because a probe fails (a Service that does not
 * exist, a Deployment with no ready replica), a run whose probe holds (SteadyStateHeld=True), and a run aborted by
 * a breach through the suspend stop path, whose probe then does not recover. The pods are never scheduled: their
 * status is written by the test, as in powertool.test.ts, so restart counts are the test's to set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { GROUP, VERSION, type PowerTool } from '../../src/api/index.ts';
import { strategicMerge } from '../../src/kube/patch.ts';
import type { Manager } from '../../src/operator/manager.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { untilSteadyStateServed } from './steady-state-served.ts';
import { runningPod, terminateEphemeral, testClients, neverPulledConfig, startSuiteOperator, prepareOperatorSuite } from './kube.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const NS = `ss-it-${Date.now().toString(36)}`;
const TOOL = 'it-steady';
const group = GROUP;
const version = VERSION;

const config = neverPulledConfig(TOOL, OPERATOR_NS);

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
const held = (pt: PowerTool) => pt.status?.conditions?.find((c) => c.type === 'SteadyStateHeld');

/** The tool's container as the kubelet would report it: running (so a stop is requested), or restarts of app. */
async function patchStatuses(pod: V1Pod, status: Record<string, unknown>): Promise<void> {
  await clients.core.patchNamespacedPodStatus({ name: pod.metadata?.name ?? '', namespace: NS, body: { status } }, strategicMerge());
}
const running = (name: string) => ({
  ephemeralContainerStatuses: [
    { name, ready: false, restartCount: 0, image: 'x', imageID: '', state: { running: { startedAt: new Date() } } },
  ],
});

async function injectedPod(name: string): Promise<{ pod: V1Pod; container: string }> {
  const pod = await waitFor(`${name} injected`, async () => {
    const p = await readPod(name);
    return (p.spec?.ephemeralContainers ?? []).length > 0 ? p : undefined;
  });
  return { pod, container: pod.spec?.ephemeralContainers?.[0]?.name ?? '' };
}

describe('steady-state probes against a real API server', () => {
  let manager: Manager | undefined;
  let operatorKc: KubeConfig;

  before(async () => {
    operatorKc = await prepareOperatorSuite(clients, { operatorNamespace: OPERATOR_NS, namespace: NS, config });
    await untilSteadyStateServed(clients, NS, TOOL);
    for (const name of ['held-1', 'breach-1', 'refused-1']) await runningPod(clients, NS, name, { app: name.replace(/-1$/, '') });
    manager = await startSuiteOperator(operatorKc, OPERATOR_NS, 'ss');
  });

  after(async () => {
    await manager?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    await clients.custom
      .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name: TOOL })
      .catch(() => undefined);
  });

  it('does not start when a probe fails before the start, and says which probe', async () => {
    // A Deployment whose pods can never be scheduled: it exists, with 0 ready replicas.
    await clients.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web-deploy' } },
          template: {
            metadata: { labels: { app: 'web-deploy' } },
            spec: {
              nodeSelector: { 'toe.dev/integration': 'no-such-node' },
              containers: [{ name: 'app', image: 'localhost/toe-base:never-pulled', imagePullPolicy: 'Never' }],
            },
          },
        },
      },
    });
    await createPt('refused', {
      targets: { selector: { matchLabels: { app: 'refused' } } },
      tool: { name: TOOL },
      steadyState: [
        { name: 'answers', kind: 'http', http: { service: 'no-such-service', port: 80 } },
        { name: 'replicas', kind: 'kubernetes', kubernetes: { workload: { kind: 'Deployment', name: 'web', minReadyReplicas: 1 } } },
      ],
    });
    const pt = await waitFor('refused run', async () => {
      const p = await getPt('refused');
      return held(p)?.status === 'False' ? p : undefined;
    });
    assert.equal(pt.status?.phase, 'Failed');
    assert.equal(held(pt)?.reason, 'NotHeldBeforeStart');
    assert.match(held(pt)?.message ?? '', /probe answers saw Service no-such-service not found/);
    assert.match(held(pt)?.message ?? '', /probe replicas saw 0 ready replica\(s\) of Deployment web, at least 1 wanted/);
    assert.equal(pt.status?.steadyState?.stage, 'Before');
    assert.deepEqual(pt.status?.targets ?? [], []);
    assert.deepEqual((await readPod('refused-1')).spec?.ephemeralContainers ?? [], []);
    const events = await waitFor('SteadyStateNotHeld Event', async () => {
      const list = await clients.events.listNamespacedEvent({ namespace: NS });
      return list.items.find((e) => e.reason === 'SteadyStateNotHeld' && e.regarding?.name === 'refused');
    });
    assert.equal(events.type, 'Warning');
  });

  it('ends with SteadyStateHeld=True when the probe holds during and after the run', async () => {
    await createPt('held', {
      targets: { selector: { matchLabels: { app: 'held' } } },
      tool: { name: TOOL },
      steadyState: [{ name: 'no-restarts', kind: 'kubernetes', interval: '1s', kubernetes: { maxRestarts: 0 } }],
    });
    const { pod, container } = await injectedPod('held-1');
    await patchStatuses(pod, running(container));
    await waitFor('a check during the run', async () => {
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
    const probe = pt.status?.steadyState?.probes[0];
    assert.equal(probe?.lastResult, 'Pass');
    assert.equal(probe?.failures, 0);
    assert.ok(probe?.recoveredAt);
  });

  it('aborts the run through the stop path when a probe breaches, and reports a probe that does not recover', async () => {
    await createPt('breach', {
      targets: { selector: { matchLabels: { app: 'breach' } } },
      tool: { name: TOOL },
      steadyState: [
        {
          name: 'no-restarts',
          kind: 'kubernetes',
          interval: '1s',
          failureThreshold: 1,
          recoveryTimeout: '2s',
          kubernetes: { maxRestarts: 0 },
        },
      ],
    });
    const { pod, container } = await injectedPod('breach-1');
    await patchStatuses(pod, running(container));
    await waitFor('the baseline check', async () => {
      const p = await getPt('breach');
      return p.status?.steadyState?.probes[0]?.baseline === 0 ? p : undefined;
    });
    const app = pod.status?.containerStatuses?.find((c) => c.name === 'app');
    await patchStatuses(pod, { containerStatuses: [{ ...app, restartCount: 1 }] });
    const stopping = await waitFor('stop requested for SteadyStateBreached', async () => {
      const p = await getPt('breach');
      return p.status?.targets?.[0]?.stopReason === 'SteadyStateBreached' ? p : undefined;
    });
    assert.ok(stopping.status?.targets?.[0]?.stopRequestedAt);
    assert.ok(stopping.status?.steadyState?.probes[0]?.breachedAt);
    assert.equal(held(stopping)?.reason, 'Breached');
    // The tool answers the stop by exiting, as toe-stop makes it.
    await terminateEphemeral(clients, await readPod('breach-1'), container, 0, '{}');
    const pt = await waitFor('verdict', async () => {
      const p = await getPt('breach');
      return p.status?.steadyState?.stage === 'Done' ? p : undefined;
    });
    assert.equal(pt.status?.phase, 'Aborted');
    assert.equal(held(pt)?.status, 'False');
    assert.equal(held(pt)?.reason, 'NotRecovered');
    assert.match(held(pt)?.message ?? '', /1 restart\(s\) of the target containers, at most 0 allowed/);
    const list = await clients.events.listNamespacedEvent({ namespace: NS });
    const reasons = list.items.filter((e) => e.regarding?.name === 'breach').map((e) => e.reason);
    assert.ok(reasons.includes('SteadyStateBreached'), `events: ${reasons.join(', ')}`);
    assert.ok(reasons.includes('SteadyStateVerdict'), `events: ${reasons.join(', ')}`);
  });
});
