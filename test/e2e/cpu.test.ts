/**
 * The cpu fault on a real node, measured from the pod's cgroup (cpuacct.usage), not from the tool's own report:
 * the pod's CPU rises by at least 80% of the requested load during the window and falls back after.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testClients } from '../integration/kube.ts';
import { demoDeployment, idleContainer, prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, finished, podCpuMillicores, powerTools, sleep } from './tools.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-cpu-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
let operator: OperatorProcess | undefined;
let uid = '';

describe('cpu fault on a real node', () => {
  before(async () => {
    const kubeconfig = await prepare(clients, ['cpu']);
    const [pod] = await demoDeployment(clients, NS, 'idle', 1, [idleContainer({ limits: { cpu: '1', memory: '64Mi' } })]);
    uid = pod?.metadata?.uid ?? '';
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  // Half of one CPU on a 2-core node: room left for the kubelet and the suite, so a shortfall is the tool's.
  it("raises the pod's CPU by at least 80% of 1 worker at 50% during the run, and it returns after", async (t) => {
    const baseline = await podCpuMillicores(uid, 2_000);
    await pts.create('light', {
      targets: { selector: { matchLabels: { app: 'idle' } } },
      tool: { name: 'cpu', args: ['--workers=1', '--load=50'], duration: '16s' },
    });
    await pts.until('light', 'running', allRunning(1), 60_000);
    // Past the tool's 1 s baseline and the start of the load.
    await sleep(3_000);
    const during = await podCpuMillicores(uid, 6_000);
    const done = await pts.until('light', 'finished', finished, 60_000);
    await sleep(1_000);
    const afterwards = await podCpuMillicores(uid, 3_000);
    const report = `tool says ${JSON.stringify(done.status?.targets?.[0]?.result?.effect)}; measured baseline ${baseline}m, during ${during}m, after ${afterwards}m`;
    t.diagnostic(report);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    assert.ok(during - baseline >= 400, `the load added less than 80% of 500m: ${report}`);
    assert.ok(afterwards - baseline <= 100, `the load outlived the run: ${report}`);
  });
});
