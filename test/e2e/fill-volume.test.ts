/**
 * The fill-volume fault on a real node, measured by statfs of the volume's mount on the node: at least the
 * requested fill during the window, and back to the baseline after a normal end, after an abort (suspend), and after
 * the target pod is deleted mid-run (a hostPath volume on its own tmpfs, which outlives the pod).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, finished, powerTools, runningPods, sampleApp, sleep, volumeHostPath, volumeUsedBytes } from './tools.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-fill-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const MI = 1024 * 1024;
let operator: OperatorProcess | undefined;
let emptyDir = '';
let hostDir = '';

/** Runs fill-volume at 50% on the pods labelled `app`, checks the fill during the window, and returns what statfs showed. */
async function fillHalf(
  name: string,
  app: string,
  path: string,
  duration: string,
): Promise<{ baseline: number; peak: number; total: number }> {
  const baseline = volumeUsedBytes(path).used;
  await pts.create(name, {
    targets: { selector: { matchLabels: { app } } },
    volume: { name: 'data' },
    tool: { name: 'fill-volume', args: ['--percent=50', '--max-bytes=64Mi'], duration },
  });
  await pts.until(name, 'running', allRunning(1), 60_000);
  const { used: peak, total } = await waitFor(
    `${name}: volume half full`,
    async () => {
      const v = volumeUsedBytes(path);
      return v.used >= v.total * 0.5 ? v : undefined;
    },
    { timeoutMs: 10_000 },
  ).catch(() => volumeUsedBytes(path));
  assert.ok(peak >= total * 0.5, `${name}: ${peak} of ${total} B used during the run, less than 50%`);
  return { baseline, peak, total };
}

const backTo = (path: string, baseline: number, what: string) =>
  waitFor(`${what}: volume back to its baseline`, async () => volumeUsedBytes(path).used <= baseline + MI || undefined, {
    timeoutMs: 15_000,
  }).catch(() => {
    throw new Error(`${what}: ${volumeUsedBytes(path).used} B used, baseline was ${baseline} B`);
  });

describe('fill-volume fault on a real node', () => {
  before(async () => {
    const kubeconfig = await prepare(clients, ['fill-volume']);
    const [pod] = await sampleApp(clients, NS, 'volume/pod-emptydir.yaml', 'demo-volume');
    emptyDir = volumeHostPath(pod?.metadata?.uid ?? '', 'data');
    // A volume that outlives its pod: a tmpfs of our own on the node, given to the pod as a hostPath.
    hostDir = mkdtempSync(join(tmpdir(), 'toe-e2e-fill-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', hostDir]);
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    if (hostDir) {
      // The kubelet must have let go of the pod's bind mount first.
      await waitFor(
        'hostPath pod gone',
        async () =>
          clients.core.readNamespacedPod({ name: 'holder', namespace: NS }).then(
            () => undefined,
            () => true,
          ),
        { timeoutMs: 60_000 },
      ).catch(() => undefined);
      try {
        execFileSync('umount', [hostDir]);
        rmdirSync(hostDir);
      } catch (err) {
        process.stderr.write(`left ${hostDir} mounted: ${String(err)}\n`);
      }
    }
  });

  it('fills a 64Mi emptyDir to at least 50% and gives the space back at the end', async (t) => {
    const { baseline, peak, total } = await fillHalf('normal', 'demo-volume', emptyDir, '10s');
    const done = await pts.until('normal', 'finished', finished, 60_000);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    await backTo(emptyDir, baseline, 'normal end');
    t.diagnostic(
      `baseline ${baseline} B, peak ${peak} of ${total} B, after ${volumeUsedBytes(emptyDir).used} B; tool says ${JSON.stringify(done.status?.targets?.[0]?.result?.effect)}`,
    );
  });

  it('gives the space back when the run is aborted (suspend)', async (t) => {
    const { baseline, peak } = await fillHalf('aborted', 'demo-volume', emptyDir, '5m');
    await pts.suspend('aborted');
    const done = await pts.until('aborted', 'finished', finished, 60_000);
    assert.equal(done.status?.phase, 'Aborted');
    await backTo(emptyDir, baseline, 'abort');
    t.diagnostic(`baseline ${baseline} B, peak ${peak} B, after ${volumeUsedBytes(emptyDir).used} B`);
  });

  it('gives the space back when the target pod is deleted mid-run', async (t) => {
    await clients.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'holder', labels: { app: 'holder' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'app',
              image: 'localhost/toe-demo-hot:0.1.0',
              imagePullPolicy: 'IfNotPresent',
              args: ['5'],
              resources: { limits: { cpu: '200m', memory: '64Mi' } },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          volumes: [{ name: 'data', hostPath: { path: hostDir, type: 'Directory' } }],
        },
      },
    });
    await runningPods(clients, NS, 'holder', 1);
    const { baseline, peak } = await fillHalf('pod-deleted', 'holder', hostDir, '5m');
    await clients.core.deleteNamespacedPod({ name: 'holder', namespace: NS });
    await backTo(hostDir, baseline, 'pod deleted');
    await sleep(1_000);
    t.diagnostic(`baseline ${baseline} B, peak ${peak} B, after ${volumeUsedBytes(hostDir).used} B`);
  });
});
