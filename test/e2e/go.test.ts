/**
 * The go profiler on a real node against the Go sample app (samples/apps/go-hot), which serves net/http/pprof on
 * its pod's loopback only: the tool reaches it from the ephemeral container through the shared network namespace.
 * The run is gathered and processed by the shared pipeline (processing/pipeline) as a report takes it: the flame
 * graph and the RCA evidence must name the app's hot function, the heap profile what it keeps live. The app is not
 * restarted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
import { finished, powerTools, restartCounts, runningPods, sampleApp } from './tools.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-go-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const scratch = mkdtempSync(join(tmpdir(), 'toe-e2e-go-'));
let operator: OperatorProcess | undefined;

describe('go profiler on a real node', () => {
  before(async () => {
    const kubeconfig = await prepare(clients, ['go']);
    await sampleApp(clients, NS, 'go-hot/deployment.yaml', 'go-app', 1);
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('profiles the running app through its loopback pprof endpoint; the report names its hot function and heap holder', async (t) => {
    const [pod] = await runningPods(clients, NS, 'go-app', 1);
    const name = pod?.metadata?.name ?? '';
    const restarts = await restartCounts(clients, NS, name);
    await pts.create('go', {
      targets: { selector: { matchLabels: { app: 'go-app' } } },
      tool: { name: 'go', args: ['--profile=both'], duration: '14s' },
    });
    const done = await pts.until('go', 'finished', finished, 90_000);
    const target = done.status?.targets?.[0];
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    t.diagnostic(`effect ${JSON.stringify(target?.result?.effect)}`);

    // Gathered by the pipeline the operator and the quickstart use: the tool's log, cut into artifacts, and the pod.
    const source = { clients, pod: (namespace: string, pod: string) => clients.core.readNamespacedPod({ namespace, name: pod }) };
    const run = await gatherRun(source, done as RunPowerTool, scratch);
    // 14 s: a 10 s slice, and a second one only if the container started quickly enough to leave 3 s more.
    const names = run.artifacts.map((a) => a.name).sort();
    const slices = names.filter((n) => /^cpu-\d\.pprof$/.test(n));
    assert.ok(
      slices.length >= 1 && slices.length === (target?.result?.effect as { cpuSlices?: number } | undefined)?.cpuSlices,
      names.join(' '),
    );
    assert.deepEqual(names, [...slices, 'heap.pprof']);
    const processed = await processRun(run);
    assert.deepEqual(processed.notes, [], processed.notes.join('\n'));
    const report = runtime.report;
    assert.ok(report);
    const section = report.assemble([{ run, items: processed.items.runtime }], { several: false, label: (_r, p) => p, profilerRuns: [] });
    const html = String(report.render(section));
    assert.match(html, /main\.toeGoHotLoop/);
    assert.match(html, /main\.toeGoRetain/);
    const { evidence } = buildEvidence(rcaInput({ inputs: run, processed }));
    const hot = evidence.filter((e) => e.kind === 'hot-function' && e.source === 'runtime');
    t.diagnostic(hot.map((e) => e.summary).join('\n'));
    assert.equal(hot[0]?.data.name, 'main.toeGoHotLoop');
    assert.ok(evidence.some((e) => e.kind === 'heap-holder' && e.data.name === 'main.toeGoRetain'));
    assert.deepEqual(await restartCounts(clients, NS, name), restarts);
  });
});
