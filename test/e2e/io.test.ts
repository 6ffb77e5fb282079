/**
 * The io fault on a real node, measured from outside the tool: the target's volume is an ext4 filesystem on a
 * loop device of its own (given to the pod as a hostPath), so the device's sector counter in /sys/block counts
 * exactly the bytes that reached this volume, before and during the run; statfs of the mount shows the space back at
 * its baseline, and the folder holds nothing of the tool's, after a normal end, after an abort (suspend), and after
 * the target pod is deleted mid-run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, finished, powerTools, runningPods, sleep, volumeUsedBytes } from './tools.ts';
import { ensureNamespace } from '../integration/kube.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-io-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const MI = 1024 * 1024;
let operator: OperatorProcess | undefined;
let work = '';
let mnt = '';
let device = '';

/** Bytes written to the volume's loop device so far (the 7th field of its stat counts 512-byte sectors). */
const deviceWrittenBytes = (): number => Number(readFileSync(`/sys/block/${device}/stat`, 'utf8').trim().split(/\s+/)[6]) * 512;

/** Bytes per second written to the volume's device over `ms`. */
async function writeRate(ms: number): Promise<number> {
  const b0 = deviceWrittenBytes();
  const t0 = Date.now();
  await sleep(ms);
  return ((deviceWrittenBytes() - b0) * 1000) / (Date.now() - t0);
}

/** What is on the volume besides lost+found: the tool's folders, regular files marked. */
const leftovers = (): string[] =>
  readdirSync(mnt, { recursive: true, withFileTypes: true })
    .map((e) => `${join(e.parentPath, e.name).slice(mnt.length + 1)}${e.isFile() ? ' (file)' : ''}`)
    .filter((p) => p !== 'lost+found');

async function holder(name: string): Promise<void> {
  await clients.core.createNamespacedPod({
    namespace: NS,
    body: {
      metadata: { name, labels: { app: name } },
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
        volumes: [{ name: 'data', hostPath: { path: mnt, type: 'Directory' } }],
      },
    },
  });
  await runningPods(clients, NS, name, 1);
}

/** Starts io on the pods labelled `app`, and checks from the device that it writes far more than before. */
async function pressure(name: string, app: string, duration: string): Promise<{ baseline: number; before: number; during: number }> {
  const baseline = volumeUsedBytes(mnt).used;
  const before = await writeRate(2_000);
  await pts.create(name, {
    targets: { selector: { matchLabels: { app } } },
    volume: { name: 'data' },
    tool: { name: 'io', args: ['--mode=hdd', '--workers=2', '--bytes=32Mi'], duration },
  });
  await pts.until(name, 'running', allRunning(1), 60_000);
  // The tool takes a baseline second of its own before stress-ng starts.
  await sleep(2_000);
  const during = await writeRate(2_000);
  // O_DIRECT on ext4: the writes reach the device. A disk this VM's shares does tens of MiB/s at the least.
  assert.ok(during > 5 * MI && during > 10 * before, `${name}: ${during} B/s written to the volume during, ${before} B/s before`);
  assert.ok(volumeUsedBytes(mnt).used > baseline, `${name}: the files hold no space`);
  return { baseline, before, during };
}

const backToBaseline = (baseline: number, what: string) =>
  waitFor(`${what}: volume back to its baseline`, async () => volumeUsedBytes(mnt).used <= baseline || undefined, {
    timeoutMs: 15_000,
  }).catch(() => {
    throw new Error(`${what}: ${volumeUsedBytes(mnt).used} B used, baseline was ${baseline} B; left: ${leftovers().join(', ')}`);
  });

describe('io fault on a real node', () => {
  before(async () => {
    const kubeconfig = await prepare(clients, ['io']);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    work = mkdtempSync(join(tmpdir(), 'toe-e2e-io-'));
    mnt = join(work, 'mnt');
    mkdirSync(mnt);
    execFileSync('truncate', ['-s', '256M', join(work, 'volume.img')]);
    execFileSync('mkfs.ext4', ['-q', '-F', join(work, 'volume.img')]);
    execFileSync('mount', ['-o', 'loop', join(work, 'volume.img'), mnt]);
    device = execFileSync('findmnt', ['-n', '-o', 'SOURCE', mnt], { encoding: 'utf8' }).trim().replace('/dev/', '');
    await holder('disk');
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    if (!mnt) return;
    // The kubelet must have let go of the pods' bind mounts first.
    await waitFor(
      'volume pods gone',
      async () =>
        (await clients.core.listNamespacedPod({ namespace: NS }).catch(() => ({ items: [] }))).items.length === 0 ? true : undefined,
      { timeoutMs: 60_000 },
    ).catch(() => undefined);
    try {
      execFileSync('umount', [mnt]);
      rmSync(work, { recursive: true, force: true });
    } catch (err) {
      process.stderr.write(`left ${mnt} mounted: ${String(err)}\n`);
    }
  });

  it('writes to the volume for the duration, then gives the space back and leaves nothing', async (t) => {
    const { baseline, before, during } = await pressure('normal', 'disk', '12s');
    const done = await pts.until('normal', 'finished', finished, 60_000);
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    await backToBaseline(baseline, 'normal end');
    assert.deepEqual(leftovers(), []);
    t.diagnostic(
      `before ${Math.round(before / MI)} MiB/s, during ${Math.round(during / MI)} MiB/s; tool says ${JSON.stringify(done.status?.targets?.[0]?.result?.effect)}`,
    );
  });

  it('stops writing and leaves nothing when the run is aborted (suspend)', async (t) => {
    const { baseline, during } = await pressure('aborted', 'disk', '5m');
    await pts.suspend('aborted');
    const done = await pts.until('aborted', 'finished', finished, 60_000);
    assert.equal(done.status?.phase, 'Aborted');
    await backToBaseline(baseline, 'abort');
    assert.deepEqual(leftovers(), []);
    const afterRate = await writeRate(2_000);
    assert.ok(afterRate < during / 10, `still ${afterRate} B/s written after the abort (${during} B/s during)`);
    t.diagnostic(`during ${Math.round(during / MI)} MiB/s, after ${Math.round(afterRate / MI)} MiB/s`);
  });

  it('leaves no data when the target pod is deleted mid-run', async (t) => {
    await holder('doomed');
    const { baseline } = await pressure('pod-deleted', 'doomed', '5m');
    await clients.core.deleteNamespacedPod({ name: 'doomed', namespace: NS });
    // Whether the tool got its SIGTERM in time or was killed, its unlinked files go with its processes; at most its
    // empty folders stay (a block each), for the next io run on the volume to remove.
    await waitFor(
      'pod deleted: the data gone',
      async () => {
        const left = leftovers();
        return left.every((p) => !p.endsWith('(file)')) && volumeUsedBytes(mnt).used <= baseline + 4096 * left.length ? true : undefined;
      },
      { timeoutMs: 30_000 },
    ).catch(() => {
      throw new Error(`pod deleted: ${volumeUsedBytes(mnt).used} B used, baseline ${baseline} B; left: ${leftovers().join(', ')}`);
    });
    t.diagnostic(`baseline ${baseline} B, after ${volumeUsedBytes(mnt).used} B, left: ${leftovers().join(', ') || 'nothing'}`);
  });
});
