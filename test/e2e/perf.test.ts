/**
 * The perf profiler on a real node against the CPU-bound sample app: the perf.script artifact, cut out of the tool
 * container's log the way the processing side does it, holds stacks that name the app's hot function.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spoolLogArtifacts } from '../../processing/pipeline/log-artifacts.ts';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { finished, powerTools, runningPods, sampleApp, toolLog } from './tools.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-perf-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const scratch = mkdtempSync(join(tmpdir(), 'toe-e2e-perf-'));
let operator: OperatorProcess | undefined;

describe('perf profiler on a real node', () => {
  before(async () => {
    const kubeconfig = await prepare(clients, ['perf']);
    await sampleApp(clients, NS, 'cpu-hot/deployment.yaml', 'demo-app', 3);
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('returns stacks that name toe_demo_hot_loop', async (t) => {
    const [pod] = await runningPods(clients, NS, 'demo-app', 3);
    const name = pod?.metadata?.name ?? '';
    await pts.create('hot', {
      targets: { selector: { matchLabels: { app: 'demo-app' } }, pods: [name] },
      tool: { name: 'perf', duration: '12s' },
    });
    const done = await pts.until('hot', 'finished', finished, 90_000);
    const target = done.status?.targets?.[0];
    assert.equal(done.status?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
    const log = await toolLog(clients, NS, name, target?.ephemeralContainer ?? '');
    const artifacts = await spoolLogArtifacts([log], scratch, { maxArtifactBytes: 64 << 20, maxArtifacts: 8 });
    const script = artifacts.find((a) => a.name === 'perf.script');
    assert.ok(script && script.bytes > 0, `no perf.script in the log: ${JSON.stringify(artifacts)}`);
    const text = readFileSync(script.path, 'utf8');
    const hits = text.split('\n').filter((l) => l.includes('toe_demo_hot_loop')).length;
    t.diagnostic(`perf.script ${script.bytes} B, ${hits} frames name toe_demo_hot_loop; effect ${JSON.stringify(target?.result?.effect)}`);
    assert.ok(hits > 0, 'no stack names toe_demo_hot_loop');
    assert.match(text, /toe_demo_work/);
  });
});
