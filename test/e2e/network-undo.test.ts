/**
 * A network fault whose tool dies abruptly is undone by the operator, measured OUTSIDE the tool: a bandwidth limit
 * (tc tbf, handle 7e0e:) has no kernel-side end, so after the node SIGKILLs the tool's entrypoint the qdisc would stay
 * in the pod's network namespace for good. The operator sees the tool end without its clean result and runs the
 * config's spec.undo (`entrypoint --undo`) in one more ephemeral container; the node reads the pod's namespace
 * (`nsenter -n tc qdisc show`) until the qdisc is gone, which the issue bounds at 10 s from the kill. Status and
 * Events must say so, the run must not be Succeeded, and the pod carries exactly one undo container.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { ensureNamespace, testClients } from '../integration/kube.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, containerHostPids, finished, powerTools, runningPods, sleep } from './tools.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-network-undo-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
/** The bound: from the kill to the fault gone. */
const UNDO_WITHIN_MS = 10_000;
let operator: OperatorProcess | undefined;

const toeQdisc = (pid: number) =>
  spawnSync('nsenter', ['-t', String(pid), '-n', '--', 'tc', 'qdisc', 'show'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.includes('7e0e:'));

/** Host PIDs of the tool's entrypoint in the network namespace of `pid` (the target's, which the tool shares). */
function entrypointPids(pid: number): number[] {
  const netns = readlinkSync(`/proc/${pid}/ns/net`);
  const found: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readlinkSync(`/proc/${d}/ns/net`) !== netns) continue;
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('/toe/bin/entrypoint')) found.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('network fault undone by the operator after the tool is SIGKILLed', () => {
  let pid = 0;

  before(async () => {
    const kubeconfig = await prepare(clients, ['network']);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    await clients.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'web', labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'app',
              image: 'localhost/toe-network:0.1.0',
              imagePullPolicy: 'IfNotPresent',
              command: ['sleep', '100000'],
              resources: { limits: { cpu: '100m', memory: '32Mi' } },
            },
          ],
        },
      },
    });
    await runningPods(clients, NS, 'web', 1);
    pid = (await containerHostPids(clients, NS, 'web', 'app'))[0] as number;
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  it('removes the qdisc within 10 s of the kill, and records the undo in status and Events', async (t) => {
    await pts.create('slow', {
      targets: { selector: { matchLabels: { app: 'web' } } },
      tool: { name: 'network', args: ['--mode=bandwidth', '--rate=1M'], duration: '2m' },
    });
    await pts.until('slow', 'running', allRunning(1), 60_000);
    await waitFor('the tbf qdisc in the pod', async () => (toeQdisc(pid).length > 0 ? true : undefined), { timeoutMs: 20_000 });
    assert.match(toeQdisc(pid).join('\n'), /qdisc tbf 7e0e: dev \S+ root .*rate 1Mbit/);

    const victims = entrypointPids(pid);
    assert.ok(victims.length > 0, 'the entrypoint runs in the pod');
    for (const v of victims) process.kill(v, 'SIGKILL');
    const killedAt = Date.now();
    await sleep(300);
    t.diagnostic(`300 ms after the SIGKILL the qdisc is ${toeQdisc(pid).length > 0 ? 'still there' : 'gone already'}`);
    const goneAfterMs = await waitFor(
      'the qdisc removed by the operator',
      async () => (toeQdisc(pid).length === 0 ? Date.now() - killedAt : undefined),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    t.diagnostic(`qdisc gone ${goneAfterMs} ms after the SIGKILL`);
    assert.ok(goneAfterMs <= UNDO_WITHIN_MS, `the qdisc was gone only ${goneAfterMs} ms after the kill`);

    const done = await pts.until('slow', 'finished', finished, 30_000);
    const target = done.status?.targets?.[0];
    t.diagnostic(JSON.stringify(target));
    assert.notEqual(done.status?.phase, 'Succeeded');
    assert.equal(target?.phase, 'Failed');
    assert.equal(target?.exitCode, 137);
    assert.match(String(target?.undo?.container), /^toe-undo-[0-9a-f]{8}$/);
    assert.equal(target?.undo?.phase, 'Succeeded');
    assert.equal(target?.undo?.exitCode, 0);
    assert.ok(target?.undo?.requestedAt && target.undo.finishedAt, JSON.stringify(target?.undo));
    assert.match(String(done.status?.conditions?.find((c) => c.type === 'Completed')?.message), /undo toe-undo-\w+: Succeeded/);

    const pod = await clients.core.readNamespacedPod({ name: 'web', namespace: NS });
    const undos = (pod.spec?.ephemeralContainers ?? []).filter((c) => c.name.startsWith('toe-undo-'));
    assert.deepEqual(
      undos.map((c) => [c.name, c.args]),
      [[target?.undo?.container, ['--undo']]],
    );
    const events = await waitFor(
      'the FaultUndone Events',
      async () => {
        const list = (await clients.events.listNamespacedEvent({ namespace: NS })).items.filter((e) => e.reason === 'FaultUndone');
        return list.some((e) => e.regarding?.kind === 'PowerTool') && list.some((e) => e.regarding?.kind === 'Pod') ? list : undefined;
      },
      { timeoutMs: 15_000 },
    );
    assert.match(String(events[0]?.note), /toe-undo-/);
    assert.deepEqual(toeQdisc(pid), []);
  });
});
