/**
 * The emergency stop on a real node: three cpu faults on three pods, then `toe stop --all`. Every target ends with
 * stop reason EmergencyStop within 10 s, and the faults are undone as the node sees it (each pod's CPU from its
 * cgroup falls back), a PowerTool created while the stop is active is refused, and after `toe stop --clear` a new
 * one runs. One Deployment of three idle pods keeps the cluster time small.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testClients } from '../integration/kube.ts';
import { demoDeployment, idleContainer, prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, podCpuMillicores, powerTools, sleep } from './tools.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-estop-${Date.now().toString(36)}`;
const STOP = `${NS}-stop`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const toe = (args: string[]) =>
  promisify(execFile)(process.execPath, [join(new URL('../..', import.meta.url).pathname, 'bin/toe.js'), 'stop', ...args], {
    env: process.env,
  });
let operator: OperatorProcess | undefined;
let pods: { name: string; uid: string }[] = [];

describe('emergency stop on a real node', () => {
  before(async () => {
    const kubeconfig = await prepare(clients, ['cpu']);
    const running = await demoDeployment(clients, NS, 'idle', 3, [idleContainer({ limits: { cpu: '500m', memory: '64Mi' } })]);
    pods = running.map((p) => ({ name: p.metadata?.name ?? '', uid: p.metadata?.uid ?? '' }));
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await toe(['--clear', '--name', STOP]).catch(() => undefined);
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  it('stops three concurrent faults with reason EmergencyStop, undoes them, refuses new runs until cleared', async (t) => {
    for (const [i, pod] of pods.entries()) {
      await pts.create(`cpu-${i}`, {
        targets: { selector: { matchLabels: { app: 'idle' } }, pods: [pod.name] },
        tool: { name: 'cpu', args: ['--workers=1', '--load=30'], duration: '5m' },
      });
    }
    for (const i of [0, 1, 2]) await pts.until(`cpu-${i}`, 'running', allRunning(1), 60_000);
    await sleep(2_000);
    const during = await Promise.all(pods.map((p) => podCpuMillicores(p.uid, 2_000)));

    const pulled = Date.now();
    await toe(['--all', '--reason', 'e2e game day gone wrong', '--name', STOP, '--timeout', '30s']);
    for (const i of [0, 1, 2]) {
      const pt = await pts.until(
        `cpu-${i}`,
        'stopped for EmergencyStop',
        (p) => p.status?.targets?.[0]?.stopReason === 'EmergencyStop',
        10_000,
      );
      assert.ok(Date.parse(pt.status?.targets?.[0]?.stopRequestedAt ?? '') - pulled < 10_000);
    }
    for (const i of [0, 1, 2]) await pts.until(`cpu-${i}`, 'ended', (p) => p.status?.targets?.[0]?.phase === 'Stopped', 20_000);
    await sleep(1_000);
    const afterwards = await Promise.all(pods.map((p) => podCpuMillicores(p.uid, 2_000)));
    t.diagnostic(`cpu during ${during.join('m, ')}m; after ${afterwards.join('m, ')}m`);
    for (const [i, m] of during.entries()) {
      assert.ok(m >= 150, `fault ${i} did not load its pod: ${m}m`);
      assert.ok((afterwards[i] ?? Infinity) <= 60, `fault ${i} outlived the stop: ${afterwards[i]}m`);
    }

    await pts.create('late', {
      targets: { selector: { matchLabels: { app: 'idle' } }, pods: [pods[0]?.name] },
      tool: { name: 'cpu', args: ['--workers=1', '--load=10'], duration: '3s' },
    });
    const late = await pts.until(
      'late',
      'refused',
      (p) => p.status?.conditions?.some((c) => c.type === 'EmergencyStopped' && c.reason === 'NotStarted') === true,
      20_000,
    );
    assert.deepEqual(late.status?.targets ?? [], []);
    const { stdout } = await toe(['--status']);
    assert.match(stdout, new RegExp(`EmergencyStop ${STOP}: "e2e game day gone wrong".*stopped [3-9] PowerTool`));

    await toe(['--clear', '--name', STOP]);
    await pts.create('again', {
      targets: { selector: { matchLabels: { app: 'idle' } }, pods: [pods[1]?.name] },
      tool: { name: 'cpu', args: ['--workers=1', '--load=10'], duration: '3s' },
    });
    await pts.until('again', 'succeeded', (p) => p.status?.phase === 'Succeeded', 60_000);
  });
});
