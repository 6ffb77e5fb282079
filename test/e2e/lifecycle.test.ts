/**
 * A PowerTool's whole life on a real node: injected into the pods of a Deployment, run, finished with per-target
 * exit codes; a failing tool; abort by suspend, by delete and by deadline within 10 s; an operator SIGKILLed
 * mid-run that, restarted, injects no target twice and still completes the run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { GROUP, VERSION, type PowerTool } from '../../src/api/index.ts';
import { serverSideApply } from '../../src/kube/apply.ts';
import { kubernetesDir } from '../../src/cluster/steps/build-kubernetes.ts';
import { layout } from '../../src/cluster/layout.ts';
import { testClients } from '../integration/kube.ts';
import { OPERATOR_NS, demoDeployment, prepare, startOperator, type OperatorProcess } from './operator.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `lifecycle-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const group = GROUP;
const version = VERSION;
let kubeconfig = '';
let operator: OperatorProcess | undefined;

async function createPt(name: string, spec: Record<string, unknown>): Promise<void> {
  await clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertools',
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'PowerTool', metadata: { name }, spec },
  });
}
const getPt = async (name: string): Promise<PowerTool> =>
  (await clients.custom.getNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools', name })) as PowerTool;
const until = (name: string, what: string, ok: (pt: PowerTool) => boolean, timeoutMs = 90_000) =>
  waitFor(
    `${name}: ${what}`,
    async () => {
      const pt = await getPt(name);
      return ok(pt) ? pt : undefined;
    },
    { timeoutMs: timeoutMs },
  );

/** When the tool's container on each target terminated, as the kubelet reports it. */
async function finishedAt(pt: PowerTool): Promise<number[]> {
  const out: number[] = [];
  for (const t of pt.status?.targets ?? []) {
    const pod = await clients.core.readNamespacedPod({ name: t.pod, namespace: NS });
    const s = pod.status?.ephemeralContainerStatuses?.find((c) => c.name === t.ephemeralContainer)?.state?.terminated;
    if (s?.finishedAt) out.push(new Date(s.finishedAt).getTime());
  }
  return out;
}

describe('PowerTool lifecycle on a real node', () => {
  before(async () => {
    kubeconfig = await prepare(clients, ['cpu']);
    await serverSideApply(
      clients.kc,
      {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'PowerToolConfig',
        metadata: { name: 'broken', namespace: OPERATOR_NS },
        // The real cpu image given an argument its entrypoint refuses: a real tool that really fails.
        spec: {
          tool: { name: 'broken', kind: 'fault' },
          image: 'localhost/toe-cpu:0.1.0',
          imagePullPolicy: 'IfNotPresent',
          command: ['/toe/bin/entrypoint'],
          defaultArgs: ['--no-such-flag=1'],
        },
      } as never,
      'powertoolconfigs',
    );
    await demoDeployment(clients, NS, 'web', 3);
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  it('runs a tool against the 3 pods of a Deployment to Succeeded, and kubectl shows it', async () => {
    await createPt('three', {
      targets: { selector: { matchLabels: { app: 'web' } } },
      tool: { name: 'cpu', args: ['--load=5'], duration: '6s' },
    });
    const phases = new Set<string>();
    const done = await until('three', 'finished', (pt) => {
      if (pt.status?.phase) phases.add(pt.status.phase);
      return pt.status?.finishedAt !== undefined;
    });
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    assert.ok(phases.has('Running') || phases.has('Pending'), `phases seen: ${[...phases].join(', ')}`);
    assert.equal(done.status?.succeeded, 3);
    for (const t of done.status?.targets ?? []) {
      assert.equal(t.exitCode, 0);
      assert.equal(t.result?.tool, 'cpu');
    }
    const kubectl = `${kubernetesDir(layout().cacheDir)}/bin/kubectl`;
    const table = execFileSync(kubectl, ['get', 'pt', 'three', '-n', NS], {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: process.env.KUBECONFIG },
    });
    assert.match(table, /three\s+cpu\s+Succeeded\s+3\s+3\s+0/);
  });

  it('ends Failed with the exit code and reason when the tool fails', async () => {
    await createPt('failing', {
      targets: { selector: { matchLabels: { app: 'web' } }, maxTargets: 3 },
      tool: { name: 'broken', duration: '10s' },
    });
    const done = await until('failing', 'finished', (pt) => pt.status?.finishedAt !== undefined);
    assert.equal(done.status?.phase, 'Failed');
    for (const t of done.status?.targets ?? []) {
      assert.equal(t.phase, 'Failed');
      assert.notEqual(t.exitCode, 0);
      assert.ok(t.reason, 'a failed target names its reason');
    }
  });

  for (const how of ['suspend', 'delete'] as const) {
    it(`stops every tool within 10 s of ${how === 'suspend' ? 'suspend: true' : 'deleting the PowerTool'}`, async () => {
      const name = `abort-${how}`;
      await createPt(name, {
        targets: { selector: { matchLabels: { app: 'web' } } },
        tool: { name: 'cpu', args: ['--load=5'], duration: '5m' },
      });
      const running = await until(
        name,
        'all running',
        (pt) => (pt.status?.targets ?? []).length === 3 && pt.status?.targets?.every((t) => t.phase === 'Running') === true,
      );
      const at = Date.now();
      if (how === 'suspend') {
        await clients.custom.patchNamespacedCustomObject({
          group,
          version,
          namespace: NS,
          plural: 'powertools',
          name,
          body: [{ op: 'replace', path: '/spec/suspend', value: true }],
        });
        const done = await until(name, 'aborted', (pt) => pt.status?.finishedAt !== undefined);
        assert.equal(done.status?.phase, 'Aborted');
        for (const t of done.status?.targets ?? []) assert.equal(t.phase, 'Stopped');
      } else {
        await clients.custom.deleteNamespacedCustomObject({ group, version, namespace: NS, plural: 'powertools', name });
        await waitFor(
          `${name} gone`,
          async () =>
            getPt(name).then(
              () => undefined,
              () => true,
            ),
          { timeoutMs: 60_000 },
        );
      }
      const ends = await waitFor(
        'every tool terminated',
        async () => {
          const e = await finishedAt(running);
          return e.length === 3 ? e : undefined;
        },
        { timeoutMs: 30_000 },
      );
      for (const end of ends) assert.ok(end - at <= 10_000, `a tool stopped ${end - at} ms after ${how}`);
    });
  }

  it('stops at the deadline within 10 s', async () => {
    await createPt('deadline', {
      targets: { selector: { matchLabels: { app: 'web' } }, maxTargets: 3 },
      tool: { name: 'cpu', args: ['--load=5'], duration: '8s' },
    });
    const done = await until('deadline', 'finished', (pt) => pt.status?.finishedAt !== undefined);
    const deadline = Date.parse(done.status?.deadline ?? '');
    for (const end of await finishedAt(done)) assert.ok(end - deadline <= 10_000, `a tool ended ${end - deadline} ms after its deadline`);
  });

  it('after the operator is SIGKILLed mid-run and restarted, injects no target twice and completes', async () => {
    await createPt('crash', {
      targets: { selector: { matchLabels: { app: 'web' } } },
      tool: { name: 'cpu', args: ['--load=5'], duration: '12s' },
    });
    await until('crash', 'some target injected', (pt) => (pt.status?.targets ?? []).some((t) => t.phase !== 'Pending'), 60_000);
    await operator?.stop('SIGKILL');
    operator = startOperator(kubeconfig);
    const done = await until('crash', 'finished', (pt) => pt.status?.finishedAt !== undefined);
    assert.equal(done.status?.phase, 'Succeeded');
    for (const t of done.status?.targets ?? []) {
      const pod = await clients.core.readNamespacedPod({ name: t.pod, namespace: NS });
      assert.equal((pod.spec?.ephemeralContainers ?? []).filter((c) => c.name === t.ephemeralContainer).length, 1);
    }
  });
});
