/**
 * The strace profiler on a real node against the sample app, which sleeps between bursts of work (usleep, so
 * clock_nanosleep). Measured from outside the tool: the node's /proc shows the app's process ptrace-attached while
 * the tool runs and detached afterwards, on a normal end and on an abort, and the app is never restarted. The
 * artifacts, cut out of the tool container's log the way processing does it, name the syscall the app makes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spoolLogArtifacts } from '../../processing/pipeline/log-artifacts.ts';
import { parseStraceSummary, parseStraceTrace } from '../../processing/kinds/strace/parse.ts';
import { waitFor } from '../../src/kube/wait.ts';
import type { PowerTool } from '../../src/api/index.ts';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { containerHostPids, finished, powerTools, restartCounts, runningPods, sampleApp, sleep, toolLog, tracerPid } from './tools.ts';
import { dumpOnFailure } from './diagnose.ts';
import { logs } from '../../src/plugin/logs.ts';

const clients = testClients();
const NS = `e2e-strace-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const scratch = mkdtempSync(join(tmpdir(), 'toe-e2e-strace-'));
let operator: OperatorProcess | undefined;

/** The app's host PIDs and whether any of them is traced right now. */
async function traced(pod: string): Promise<{ pids: number[]; tracers: number[] }> {
  const pids = await containerHostPids(clients, NS, pod, 'app');
  return { pids, tracers: pids.map(tracerPid).filter((p) => p !== 0) };
}

async function artifact(pt: PowerTool, pod: string, name: string): Promise<{ path: string; bytes: number; partial: boolean }> {
  const target = pt.status?.targets?.[0];
  const log = await toolLog(clients, NS, pod, target?.ephemeralContainer ?? '');
  const spooled = await spoolLogArtifacts([log], scratch, { maxArtifactBytes: 64 << 20, maxArtifacts: 8 });
  const found = spooled.find((a) => a.name === name);
  assert.ok(found && found.bytes > 0, `no ${name} in the tool's log: ${JSON.stringify(spooled)}`);
  return found;
}

describe('strace profiler on a real node', () => {
  let pod = '';

  before(async () => {
    const kubeconfig = await prepare(clients, ['strace']);
    await sampleApp(clients, NS, 'cpu-hot/deployment.yaml', 'demo-app', 3);
    pod = (await runningPods(clients, NS, 'demo-app', 3))[0]?.metadata?.name ?? '';
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('counts the app’s clock_nanosleep calls in summary slices, and detaches at the end', async (t) => {
    const restarts = await restartCounts(clients, NS, pod);
    await pts.create('summary', {
      targets: { selector: { matchLabels: { app: 'demo-app' } }, pods: [pod] },
      tool: { name: 'strace', args: ['--mode=summary'], duration: '12s' },
    });
    // Sampled from the node while the tool runs: between 5 s slices strace re-attaches, so one sample may miss it.
    let sawTracer = false;
    const done = await waitFor(
      'summary: finished',
      async () => {
        sawTracer ||= (await traced(pod).catch(() => ({ tracers: [] }))).tracers.length > 0;
        const pt = await pts.get('summary');
        return finished(pt) ? pt : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    assert.ok(sawTracer, 'the node never saw the app ptrace-attached during the run');
    const after = await traced(pod);
    assert.deepEqual(after.tracers, [], `still traced after the run: pids ${after.pids}`);

    const summary = await parseStraceSummary(createReadStream((await artifact(done, pod, 'strace.summary')).path));
    const sleeps = summary.rows.find((r) => r.syscall === 'clock_nanosleep' || r.syscall === 'nanosleep');
    const effect = done.status?.targets?.[0]?.result?.effect as { slices?: number } | undefined;
    t.diagnostic(`top rows ${JSON.stringify(summary.rows.slice(0, 4))}; effect ${JSON.stringify(effect)}`);
    assert.ok(sleeps && sleeps.calls > 0, `no sleep syscall in the summary: ${JSON.stringify(summary.rows)}`);
    assert.ok((effect?.slices ?? 0) >= 2, `expected at least two 5 s slices in 12 s: ${JSON.stringify(effect)}`);
    assert.deepEqual(await restartCounts(clients, NS, pod), restarts);

    // kubectl toe logs prints the same log the kubelet keeps for the tool container, under a header per target.
    let out = '';
    const streams = { out: { write: (s: string) => ((out += s), true) }, err: process.stderr } as never;
    assert.equal(await logs(['summary', '-n', NS], streams), 0);
    const container = done.status?.targets?.[0]?.ephemeralContainer ?? '';
    const header = `==> ${pod}/${container} (Succeeded) <==\n`;
    assert.ok(out.startsWith(header), out.slice(0, 200));
    assert.equal(out.slice(header.length).trimEnd(), (await toolLog(clients, NS, pod, container)).trimEnd());
  });

  it('keeps a partial trace and detaches within 10 s when the run is aborted', async (t) => {
    await pts.create('trace', {
      targets: { selector: { matchLabels: { app: 'demo-app' } }, pods: [pod] },
      tool: { name: 'strace', args: ['--mode=trace'], duration: '5m' },
    });
    await waitFor('the app ptrace-attached', async () => (await traced(pod).catch(() => ({ tracers: [] }))).tracers.length > 0, {
      timeoutMs: 90_000,
    });
    await sleep(3_000);
    await pts.suspend('trace');
    const stoppedAt = Date.now();
    await waitFor('the app detached', async () => (await traced(pod)).tracers.length === 0, { timeoutMs: 10_000 });
    t.diagnostic(`detached ${Date.now() - stoppedAt} ms after suspend`);
    const done = await pts.until('trace', 'finished', finished, 60_000);
    assert.equal(done.status?.phase, 'Aborted', JSON.stringify(done.status?.targets));

    const file = await artifact(done, pod, 'strace.trace');
    const trace = await parseStraceTrace(createReadStream(file.path));
    const sleeps = trace.rows.find((r) => r.syscall === 'clock_nanosleep' || r.syscall === 'nanosleep');
    const result = done.status?.targets?.[0]?.result;
    t.diagnostic(
      `trace ${file.bytes} B, partial ${file.partial}; top ${JSON.stringify(trace.rows.slice(0, 3))}; result ${JSON.stringify(result)}`,
    );
    assert.ok(sleeps && sleeps.calls > 0 && sleeps.seconds > 0, `no timed sleep syscall in the trace: ${JSON.stringify(trace.rows)}`);
    assert.equal(file.partial, true, 'an aborted trace must be marked partial');
    assert.equal(result?.partial, true, JSON.stringify(result));
    assert.equal(result?.exitReason, 'Stopped', JSON.stringify(result));
  });
});
