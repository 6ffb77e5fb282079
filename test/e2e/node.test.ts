/**
 * The node profiler on a real node against the Node.js sample app (samples/apps/node-hot), whose inspector is
 * closed: the tool opens it with SIGUSR1 and must close it again. That is measured outside the tool, from the
 * node's view of the pod's network namespace (/proc/<app pid>/net/tcp): listening on 127.0.0.1:9229 during the run,
 * not after it. The run is gathered and processed by the shared pipeline as a report takes it: the flame graphs and
 * the RCA evidence must name the app's hot function and what it keeps live. The app is not restarted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatherRun } from '../../processing/pipeline/gather.ts';
import { processRun } from '../../processing/pipeline/process.ts';
import { rcaInput } from '../../processing/pipeline/assemble.ts';
import { buildEvidence } from '../../processing/rca/evidence.ts';
import { runtime } from '../../processing/kinds/runtime/kind.ts';
import type { RunPowerTool } from '../../processing/run.ts';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, containerHostPids, finished, powerTools, restartCounts, runningPods, sampleApp, sleep } from './tools.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-node-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const scratch = mkdtempSync(join(tmpdir(), 'toe-e2e-node-'));
let operator: OperatorProcess | undefined;

/** Whether a socket in the network namespace of host PID `pid` listens on `port` (IPv4 or IPv6), per the node's /proc. */
function listensOn(pid: number, port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return ['tcp', 'tcp6'].some((f) => {
    let table = '';
    try {
      table = readFileSync(`/proc/${pid}/net/${f}`, 'utf8');
    } catch {
      return false;
    }
    // Columns: sl local_address rem_address st …; st 0A = LISTEN.
    return table
      .split('\n')
      .slice(1)
      .some((l) => {
        const [, local, , st] = l.trim().split(/\s+/);
        return st === '0A' && local?.endsWith(hex) === true;
      });
  });
}

/** The PID of host PID `pid` inside its own PID namespace (the last NSpid field): what the tool sees and reports. */
function namespacedPid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('NSpid:'));
  return Number(line?.trim().split(/\s+/).at(-1));
}

describe('node profiler on a real node', () => {
  before(async () => {
    const kubeconfig = await prepare(clients, ['node']);
    await sampleApp(clients, NS, 'node-hot/deployment.yaml', 'node-app', 1);
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('opens the inspector with SIGUSR1, profiles CPU and heap, closes it again; the report names the hot function and heap holder', async (t) => {
    const [pod] = await runningPods(clients, NS, 'node-app', 1);
    const name = pod?.metadata?.name ?? '';
    const restarts = await restartCounts(clients, NS, name);
    const [appPid] = await containerHostPids(clients, NS, name, 'app');
    assert.ok(appPid, 'the app has a host PID');
    assert.equal(listensOn(appPid, 9229), false, 'the inspector is closed before the run');

    await pts.create('node', {
      targets: { selector: { matchLabels: { app: 'node-app' } } },
      tool: { name: 'node', args: ['--profile=both'], duration: '12s' },
    });
    await pts.until('node', 'running', allRunning(1), 60_000);
    // The tool opens the inspector within its first seconds and keeps it open while it profiles.
    let seenOpen = false;
    for (let i = 0; i < 40 && !seenOpen; i++) {
      seenOpen = listensOn(appPid, 9229);
      if (!seenOpen) await sleep(250);
    }
    assert.ok(seenOpen, 'the inspector listened on 9229 during the run');

    const done = await pts.until('node', 'finished', finished, 90_000);
    const target = done.status?.targets?.[0];
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    t.diagnostic(`effect ${JSON.stringify(target?.result?.effect)}`);
    assert.equal(listensOn(appPid, 9229), false, 'the inspector is closed again after the run');
    assert.deepEqual(target?.result?.effect, {
      runtime: 'node',
      pid: namespacedPid(appPid),
      port: 9229,
      profile: 'both',
      openedInspector: true,
      inspectorLeftOpen: false,
    });

    const source = { clients, pod: (namespace: string, pod: string) => clients.core.readNamespacedPod({ namespace, name: pod }) };
    const run = await gatherRun(source, done as RunPowerTool, scratch);
    assert.deepEqual(run.artifacts.map((a) => a.name).sort(), ['cpu.cpuprofile', 'heap.heapprofile']);
    const processed = await processRun(run);
    assert.deepEqual(processed.notes, [], processed.notes.join('\n'));
    const report = runtime.report;
    assert.ok(report);
    const section = report.assemble([{ run, items: processed.items.runtime }], { several: false, label: (_r, p) => p, profilerRuns: [] });
    const html = String(report.render(section));
    assert.match(html, /toeNodeHotLoop/);
    assert.match(html, /toeNodeRetain/);
    const { evidence } = buildEvidence(rcaInput({ inputs: run, processed }));
    const hot = evidence.filter((e) => e.kind === 'hot-function' && e.source === 'runtime');
    t.diagnostic(hot.map((e) => e.summary).join('\n'));
    assert.equal(hot[0]?.data.name, 'toeNodeHotLoop');
    assert.ok(evidence.some((e) => e.kind === 'heap-holder' && String(e.data.name).startsWith('toeNodeRetain')));
    assert.deepEqual(await restartCounts(clients, NS, name), restarts);
  });
});
