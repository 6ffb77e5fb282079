/**
 * The emergency stop against a real API server: an EmergencyStop pulled during a run makes the operator (under the
 * chart's rules) ask the running tool to stop with stop reason EmergencyStop, refuse a PowerTool created while it
 * is active, and report in the stop's status who pulled it and what it stopped. The pods are never scheduled: their
 * status is written by the test, as in powertool.test.ts. The stop is cluster-wide, so it is cleared in `after`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { GROUP, VERSION, type PowerTool } from '../../src/api/index.ts';
import { strategicMerge } from '../../src/kube/patch.ts';
import type { Manager } from '../../src/operator/manager.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { runningPod, terminateEphemeral, testClients, neverPulledConfig, startSuiteOperator, prepareOperatorSuite } from './kube.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const NS = `estop-it-${Date.now().toString(36)}`;
const STOP = `${NS}-stop`;
const TOOL = 'it-estop';
const group = GROUP;
const version = VERSION;

const config = neverPulledConfig(TOOL, OPERATOR_NS);

const createPt = (name: string, app: string) =>
  clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertools',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'PowerTool',
      metadata: { name },
      spec: { targets: { selector: { matchLabels: { app } } }, tool: { name: TOOL } },
    },
  });
const getPt = async (name: string) =>
  (await clients.custom.getNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools', name })) as PowerTool;
const readPod = (name: string): Promise<V1Pod> => clients.core.readNamespacedPod({ name, namespace: NS });
const condition = (pt: PowerTool) => pt.status?.conditions?.find((c) => c.type === 'EmergencyStopped');

describe('emergency stop against a real API server', () => {
  let manager: Manager | undefined;
  let operatorKc: KubeConfig;

  before(async () => {
    operatorKc = await prepareOperatorSuite(clients, { operatorNamespace: OPERATOR_NS, namespace: NS, config });
    for (const name of ['busy-1', 'late-1']) await runningPod(clients, NS, name, { app: name.replace(/-1$/, '') });
    manager = await startSuiteOperator(operatorKc, OPERATOR_NS, 'estop');
  });

  after(async () => {
    await clients.resources.emergencyStops.delete(STOP).catch(() => undefined);
    await manager?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    await clients.custom
      .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name: TOOL })
      .catch(() => undefined);
  });

  it('stops a running PowerTool with reason EmergencyStop, refuses a new one, and reports what it stopped', async () => {
    await createPt('busy', 'busy');
    const pod = await waitFor('busy-1 injected', async () => {
      const p = await readPod('busy-1');
      return (p.spec?.ephemeralContainers ?? []).length > 0 ? p : undefined;
    });
    const container = pod.spec?.ephemeralContainers?.[0]?.name ?? '';
    await clients.core.patchNamespacedPodStatus(
      {
        name: 'busy-1',
        namespace: NS,
        body: {
          status: {
            ephemeralContainerStatuses: [
              { name: container, ready: false, restartCount: 0, image: 'x', imageID: '', state: { running: { startedAt: new Date() } } },
            ],
          },
        },
      },
      strategicMerge(),
    );
    await waitFor('busy running', async () => (await getPt('busy')).status?.targets?.[0]?.phase === 'Running');

    await clients.resources.emergencyStops.create({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'EmergencyStop',
      metadata: { name: STOP },
      spec: { reason: 'integration test' },
    });
    const stopping = await waitFor(
      'stop requested for EmergencyStop',
      async () => {
        const p = await getPt('busy');
        return p.status?.targets?.[0]?.stopReason === 'EmergencyStop' ? p : undefined;
      },
      { timeoutMs: 10_000 },
    );
    assert.ok(stopping.status?.targets?.[0]?.stopRequestedAt);
    assert.equal(condition(stopping)?.reason, 'Stopped');
    assert.match(condition(stopping)?.message ?? '', new RegExp(`EmergencyStop "${STOP}"`));

    // Created while the stop is active (no admission runs here): the reconciler refuses it.
    await createPt('late', 'late');
    const late = await waitFor('late refused', async () => {
      const p = await getPt('late');
      return condition(p)?.reason === 'NotStarted' ? p : undefined;
    });
    assert.deepEqual(late.status?.targets ?? [], []);
    assert.match(condition(late)?.message ?? '', /toe stop --clear/);
    assert.deepEqual((await readPod('late-1')).spec?.ephemeralContainers ?? [], []);

    // The tool answers the stop by exiting, as toe-stop makes it; then the stop reports all stopped.
    await terminateEphemeral(clients, await readPod('busy-1'), container, 0, '{}');
    const done = await waitFor('busy aborted', async () => {
      const p = await getPt('busy');
      return p.status?.phase === 'Aborted' ? p : undefined;
    });
    assert.equal(done.status?.targets?.[0]?.phase, 'Stopped');
    const stop = await waitFor('the stop reports the run', async () => {
      const s = await clients.resources.emergencyStops.get(STOP);
      return s.status?.stopped?.some((r) => r.namespace === NS && r.name === 'busy' && r.running === 0) ? s : undefined;
    });
    assert.equal(stop.status?.activatedAt, stop.metadata.creationTimestamp);
    assert.ok((stop.status?.refusedCount ?? 0) >= 1);
    const metrics = await manager?.metrics.registry.metrics();
    assert.match(metrics ?? '', /toe_emergency_stop_active 1/);
    assert.match(metrics ?? '', /toe_tool_stops_total\{reason="EmergencyStop"\} [1-9]/);

    // Cleared: the refused run stays refused (its spec did not change), and the gauge drops.
    await clients.resources.emergencyStops.delete(STOP);
    await waitFor('gauge 0', async () => /toe_emergency_stop_active 0/.test((await manager?.metrics.registry.metrics()) ?? ''));
    assert.equal(condition(await getPt('late'))?.reason, 'NotStarted');
  });
});
