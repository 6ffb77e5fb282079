/**
 * The go profiler on a real node against the Go sample app (samples/apps/go-hot), which serves net/http/pprof on
 * its pod's loopback only: the tool reaches it from the ephemeral container through the shared network namespace.
 * The artifacts, cut out of the tool container's log the way processing does it, go through the processing kinds
 * as a report would take them: the flame graph and the RCA evidence must name the app's hot function, the heap
 * profile what it keeps live. The app is not restarted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spoolLogArtifacts } from '../../src/operator/powertoolprocessing/log-artifacts.ts';
import { processRun } from '../../processing/pipeline/process.ts';
import { rcaInput } from '../../processing/pipeline/assemble.ts';
import { buildEvidence } from '../../processing/rca/evidence.ts';
import { runtime } from '../../processing/kinds/runtime/kind.ts';
import type { RunPowerTool } from '../../processing/run.ts';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { finished, powerTools, restartCounts, runningPods, sampleApp, toolLog } from './tools.ts';
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

    const log = await toolLog(clients, NS, name, target?.ephemeralContainer ?? '');
    const spooled = await spoolLogArtifacts([log], scratch, { maxArtifactBytes: 64 << 20, maxArtifacts: 16 });
    assert.deepEqual(spooled.map((a) => a.name).sort(), ['cpu-1.pprof', 'cpu-2.pprof', 'heap.pprof']);
    const run = {
      pt: done as RunPowerTool,
      pods: pod ? [pod] : [],
      events: [],
      notes: [],
      artifacts: spooled.map((a) => ({
        pod: name,
        name: a.name,
        bytes: a.bytes,
        partial: a.partial,
        open: async () => createReadStream(a.path),
      })),
    };
    const processed = await processRun(run);
    assert.deepEqual(processed.notes, []);
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
