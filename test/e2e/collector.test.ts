/**
 * The collector on a real node: perf in output mode collector streams perf.script to a real `toe collector` on the
 * node's bridge address; deleting the target pod mid-collection leaves a partial artifact with bytes on disk.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { network } from '../../src/cluster/settings.ts';
import { testClients, waitFor } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, powerTools, sampleApp, sleep } from './tools.ts';

const clients = testClients();
const NS = `e2e-collector-${Date.now().toString(36)}`;
const pts = powerTools(clients, NS);
const root = new URL('../..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'toe-e2e-collector-'));
const port = 20_000 + Math.floor(Math.random() * 20_000);
let operator: OperatorProcess | undefined;
let collector: ChildProcess | undefined;

describe('collector on a real node', () => {
  before(async () => {
    collector = spawn(process.execPath, [join(root, 'bin/toe.js'), 'collector', `--listen=${network.nodeIp}:${port}`, `--data-dir=${dataDir}`, '--idle-timeout=5s'], {
      env: { ...process.env, TOE_LOG_LEVEL: process.env.TOE_LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor('collector healthy', async () => (await fetch(`http://${network.nodeIp}:${port}/healthz`)).ok, 20_000);
    const kubeconfig = await prepare(clients, ['perf']);
    await sampleApp(clients, NS, 'cpu-hot/deployment.yaml', 'demo-app', 3);
    operator = startOperator(kubeconfig, [`--collector-url=http://${network.nodeIp}:${port}`]);
  });

  after(async () => {
    await operator?.stop();
    if (collector && collector.exitCode === null) {
      const exited = new Promise((r) => collector?.once('exit', r));
      collector.kill('SIGTERM');
      await exited;
    }
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a partial perf.script with bytes when the target pod is deleted mid-collection', async (t) => {
    const pods = (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=demo-app' })).items;
    const pod = pods.find((p) => p.status?.phase === 'Running')?.metadata?.name ?? '';
    await pts.create('gone', { targets: { selector: { matchLabels: { app: 'demo-app' } }, pods: [pod] }, tool: { name: 'perf', duration: '2m' }, output: { mode: 'collector' } });
    const running = await pts.until('gone', 'running', allRunning(1), 60_000);
    const uid = String(running.metadata?.uid ?? '');
    const file = join(dataDir, NS, uid, pod, 'perf.script');
    const upload = join(dataDir, NS, uid, pod, '.perf.script.upload');
    // At least one 5 s slice streamed before the pod goes.
    await waitFor('perf.script bytes in the collector', async () => (existsSync(upload) && statSync(upload).size > 0) || (existsSync(file) && statSync(file).size > 0), 40_000);
    await clients.core.deleteNamespacedPod({ name: pod, namespace: NS });
    const meta = await waitFor('perf.script finalised', async () => {
      const m = `${file}.meta.json`;
      return existsSync(m) ? (JSON.parse(readFileSync(m, 'utf8')) as Record<string, unknown>) : undefined;
    }, 60_000);
    await sleep(500);
    const bytes = statSync(file).size;
    t.diagnostic(`perf.script ${bytes} B on disk; meta ${JSON.stringify(meta)}`);
    assert.equal(meta.partial, true, JSON.stringify(meta));
    assert.ok(bytes > 0, 'the partial artifact has no bytes');
    assert.match(readFileSync(file, 'utf8'), /toe_demo_hot_loop/);
  });
});
