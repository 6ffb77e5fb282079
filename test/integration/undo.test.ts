/**
 * The undo of a fault whose tool ended without its clean result, against a real API server and the operator under
 * the chart's rules: a tool reported as killed (exit 137, no result) gets exactly one undo ephemeral container built
 * from its config's spec.undo, also across an operator restart; the run stays open until the undo ends, then ends
 * Failed with the undo in status and FaultUndone Events. A refusal (exit 2 with the tool's result) did nothing and
 * gets no undo. The pods are never scheduled: their status is written by the test, as in powertool.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { GROUP, VERSION, type PowerTool } from '../../src/api/index.ts';
import type { Manager } from '../../src/operator/manager.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { neverPulledConfig, runningPod, startSuiteOperator, terminateEphemeral, testClients, prepareOperatorSuite } from './kube.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const NS = `undo-it-${Date.now().toString(36)}`;
const TOOL = 'it-undo';
const group = GROUP;
const version = VERSION;
const base = neverPulledConfig(TOOL, OPERATOR_NS) as { spec: Record<string, unknown> };
const config = { ...base, spec: { ...base.spec, undo: { args: ['--undo'] } } };

const createPt = (name: string) =>
  clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertools',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'PowerTool',
      metadata: { name },
      spec: { targets: { selector: { matchLabels: { app: name } } }, tool: { name: TOOL } },
    },
  });
const getPt = async (name: string) =>
  (await clients.custom.getNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools', name })) as PowerTool;
const readPod = (name: string): Promise<V1Pod> => clients.core.readNamespacedPod({ name, namespace: NS });
const undoContainers = (p: V1Pod) => (p.spec?.ephemeralContainers ?? []).filter((c) => c.name.startsWith('toe-undo-'));
const injected = (pod: string) =>
  waitFor(`${pod} injected`, async () => {
    const p = await readPod(pod);
    return (p.spec?.ephemeralContainers ?? []).length > 0 ? (p.spec?.ephemeralContainers?.[0]?.name ?? '') : undefined;
  });

describe('undo of a fault whose tool ended abruptly, against a real API server', () => {
  let manager: Manager | undefined;
  let operatorKc: KubeConfig;

  before(async () => {
    operatorKc = await prepareOperatorSuite(clients, { operatorNamespace: OPERATOR_NS, namespace: NS, config });
    for (const name of ['killed', 'refused']) await runningPod(clients, NS, `${name}-1`, { app: name });
    manager = await startSuiteOperator(operatorKc, OPERATOR_NS, 'undo');
  });

  after(async () => {
    await manager?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    await clients.custom
      .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name: TOOL })
      .catch(() => undefined);
  });

  it('injects one undo for a killed tool, keeps it one across a restart, and ends the run Failed once it is done', async () => {
    await createPt('killed');
    const tool = await injected('killed-1');
    await terminateEphemeral(clients, await readPod('killed-1'), tool, 137, '');
    const pod = await waitFor('the undo injected', async () => {
      const p = await readPod('killed-1');
      return undoContainers(p).length > 0 ? p : undefined;
    });
    const [undo] = undoContainers(pod);
    const pt = await getPt('killed');
    const env = Object.fromEntries((undo?.env ?? []).map((e) => [e.name, e.value]));
    assert.deepEqual([undo?.args, undo?.command, undo?.targetContainerName], [['--undo'], ['/toe/bin/entrypoint'], undefined]);
    assert.deepEqual([env.TOE_RUN_ID, env.TOE_POD, env.TOE_OUTPUT_MODE], [pt.metadata.uid, 'killed-1', 'logs']);
    const open = await waitFor('the undo recorded', async () => {
      const p = await getPt('killed');
      return p.status?.targets?.[0]?.undo?.phase === 'Injected' ? p : undefined;
    });
    assert.equal(open.status?.targets?.[0]?.phase, 'Failed');
    assert.equal(open.status?.targets?.[0]?.undo?.container, undo?.name);
    assert.equal(open.status?.finishedAt, undefined, 'the run waits for its undo');

    // A restarted operator finds the undo in the pod and does not add a second.
    await manager?.stop();
    manager = await startSuiteOperator(operatorKc, OPERATOR_NS, 'undo');
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(undoContainers(await readPod('killed-1')).length, 1);

    const result = JSON.stringify({ tool: TOOL, exitReason: 'Completed', message: 'removed this run’s rules and qdisc' });
    await terminateEphemeral(clients, await readPod('killed-1'), undo?.name ?? '', 0, result);
    const done = await waitFor('killed finished', async () => {
      const p = await getPt('killed');
      return p.status?.finishedAt ? p : undefined;
    });
    const target = done.status?.targets?.[0];
    assert.equal(done.status?.phase, 'Failed');
    assert.deepEqual([target?.phase, target?.exitCode, target?.undo?.phase, target?.undo?.exitCode], ['Failed', 137, 'Succeeded', 0]);
    assert.match(String(target?.undo?.message), /removed this run/);
    assert.equal(undoContainers(await readPod('killed-1')).length, 1);
    const events = await waitFor('FaultUndone on the PowerTool and the pod', async () => {
      const list = (await clients.events.listNamespacedEvent({ namespace: NS })).items.filter((e) => e.reason === 'FaultUndone');
      return list.some((e) => e.regarding?.kind === 'PowerTool') && list.some((e) => e.regarding?.kind === 'Pod') ? list : undefined;
    });
    assert.match(String(events[0]?.note), new RegExp(undo?.name ?? 'toe-undo-'));
  });

  it('runs no undo for a tool that refused (exit 2 with its result): it did nothing', async () => {
    await createPt('refused');
    const tool = await injected('refused-1');
    const refusal = JSON.stringify({ tool: TOOL, exitReason: 'Error', partial: false, message: 'refused: --rate is required' });
    await terminateEphemeral(clients, await readPod('refused-1'), tool, 2, refusal);
    const done = await waitFor('refused finished', async () => {
      const p = await getPt('refused');
      return p.status?.finishedAt ? p : undefined;
    });
    assert.equal(done.status?.phase, 'Failed');
    assert.equal(done.status?.targets?.[0]?.undo, undefined);
    assert.deepEqual(undoContainers(await readPod('refused-1')), []);
  });
});
