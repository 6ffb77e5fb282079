/**
 * The collector on a real node: perf in output mode collector streams perf.script to a real `toe collector` on the
 * node's bridge address; deleting the target pod mid-collection leaves a partial artifact with bytes on disk. Then
 * the refusals, with the tokens the operator really gave the tools: none, a deleted pod's, path tricks, oversize —
 * and a run's own token only ever writes under its own run and pod, whatever the client asks.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { network } from '../../src/cluster/settings.ts';
import { MAX_CACHE_TTL_MS } from '../../src/collector/review-cache.ts';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, powerTools, sampleApp, sleep } from './tools.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-collector-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const root = new URL('../..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'toe-e2e-collector-'));
const port = 20_000 + Math.floor(Math.random() * 20_000);
let operator: OperatorProcess | undefined;
let collector: ChildProcess | undefined;
/** Per artifact: room for a perf.script of a few seconds, small enough to send one byte more. */
const MAX_ARTIFACT = 16 * 1024 * 1024;
/** The token the operator gave the tool in the deleted pod, kept to show it stops working. */
let goneToken = '';

/** The collector token in a pod's ephemeral containers (the operator puts a pod-bound, run-audience one there). */
function toolToken(pod: V1Pod): string {
  const env = (pod.spec?.ephemeralContainers ?? []).flatMap((c) => c.env ?? []);
  const token = env.find((e) => e.name === 'TOE_COLLECTOR_TOKEN')?.value;
  assert.ok(token, `no collector token in ${pod.metadata?.name}'s ephemeral containers`);
  return token;
}

/**
 * One request to the collector's upload API, as a tool makes it: like curl, a large body waits for
 * `100 Continue`, so a refusal (413) comes before it is sent instead of racing it (EPIPE).
 */
function upload(
  path: string,
  token: string | undefined,
  body: string | Buffer = 'x',
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const large = Buffer.byteLength(body) > 1024 * 1024;
    const headers = {
      'content-length': Buffer.byteLength(body),
      ...(large ? { expect: '100-continue' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    const req = request({ host: network.nodeIp, port, method: 'PUT', path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.on('error', reject);
    if (large) req.on('continue', () => req.end(body));
    else req.end(body);
  });
}

describe('collector on a real node', () => {
  before(async () => {
    collector = spawn(
      process.execPath,
      [
        join(root, 'bin/toe.js'),
        'collector',
        `--listen=${network.nodeIp}:${port}`,
        `--data-dir=${dataDir}`,
        '--idle-timeout=5s',
        `--max-artifact-bytes=${MAX_ARTIFACT}`,
      ],
      {
        env: { ...process.env, TOE_LOG_LEVEL: process.env.TOE_LOG_LEVEL ?? 'warn' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitFor('collector healthy', async () => (await fetch(`http://${network.nodeIp}:${port}/healthz`)).ok, { timeoutMs: 20_000 });
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
    await pts.create('gone', {
      targets: { selector: { matchLabels: { app: 'demo-app' } }, pods: [pod] },
      tool: { name: 'perf', duration: '2m' },
      output: { mode: 'collector' },
    });
    const running = await pts.until('gone', 'running', allRunning(1), 60_000);
    const uid = String(running.metadata?.uid ?? '');
    const file = join(dataDir, NS, uid, pod, 'perf.script');
    const upload = join(dataDir, NS, uid, pod, '.perf.script.upload');
    // At least one 5 s slice streamed before the pod goes.
    await waitFor(
      'perf.script bytes in the collector',
      async () => (existsSync(upload) && statSync(upload).size > 0) || (existsSync(file) && statSync(file).size > 0),
      { timeoutMs: 40_000 },
    );
    goneToken = toolToken(await clients.core.readNamespacedPod({ name: pod, namespace: NS }));
    await clients.core.deleteNamespacedPod({ name: pod, namespace: NS });
    const meta = await waitFor(
      'perf.script finalised',
      async () => {
        const m = `${file}.meta.json`;
        return existsSync(m) ? (JSON.parse(readFileSync(m, 'utf8')) as Record<string, unknown>) : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await sleep(500);
    const bytes = statSync(file).size;
    t.diagnostic(`perf.script ${bytes} B on disk; meta ${JSON.stringify(meta)}`);
    assert.equal(meta.partial, true, JSON.stringify(meta));
    assert.ok(bytes > 0, 'the partial artifact has no bytes');
    assert.match(readFileSync(file, 'utf8'), /toe_demo_hot_loop/);
  });

  it("refuses no token, a deleted pod's token, path tricks and oversize; a token writes only under its own run and pod", async () => {
    const pods = (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=demo-app' })).items.filter(
      (p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp,
    );
    const [mine, other] = pods.map((p) => p.metadata?.name ?? '');
    assert.ok(mine && other, 'two running pods');
    await pts.create('live', {
      targets: { selector: { matchLabels: { app: 'demo-app' } }, pods: [mine] },
      tool: { name: 'perf', duration: '2m' },
      output: { mode: 'collector' },
    });
    const running = await pts.until('live', 'running', allRunning(1), 60_000);
    const uid = String(running.metadata?.uid ?? '');
    const token = toolToken(await clients.core.readNamespacedPod({ name: mine, namespace: NS }));

    assert.equal((await upload('/v1/artifacts/probe?offset=0', undefined)).status, 401, 'no token');
    for (const path of [
      '/v1/artifacts/%2e%2e',
      '/v1/artifacts/..%2f..%2f' + other,
      `/v1/artifacts/%2F${NS}%2F${uid}%2F${other}%2Fprobe`,
      '/v1/artifacts/a%00b',
    ]) {
      assert.equal((await upload(`${path}?offset=0`, token)).status, 400, path);
    }
    const big = await upload('/v1/artifacts/big?offset=0', token, Buffer.alloc(MAX_ARTIFACT + 1, 0x61));
    assert.equal(big.status, 413, JSON.stringify(big.body));
    // The client names only the artifact; the run and the pod come from the token.
    const ok = await upload(`/v1/artifacts/probe?offset=0&namespace=kube-system&pod=${other}`, token, 'mine');
    assert.ok(ok.status < 300, JSON.stringify(ok));
    assert.equal(readFileSync(join(dataDir, NS, uid, mine, '.probe.upload'), 'utf8'), 'mine');
    assert.deepEqual(readdirSync(join(dataDir, NS, uid)), [mine], 'nothing under another pod of the run');
    assert.deepEqual(
      readdirSync(dataDir).filter((d) => !d.startsWith('.')),
      [NS],
      'nothing outside the namespace of the run',
    );
    // A deleted pod's token: TokenReview refuses it once the pod is gone; the collector's review cache may still
    // serve it for up to MAX_CACHE_TTL_MS after the last upload, the price of not reviewing every chunk.
    const gone = await waitFor(
      "the deleted pod's token refused",
      async () => {
        const r = await upload('/v1/artifacts/late?offset=0', goneToken);
        return r.status === 401 ? r : undefined;
      },
      { timeoutMs: MAX_CACHE_TTL_MS + 15_000 },
    );
    assert.equal(gone.body.reason, 'unauthenticated', JSON.stringify(gone.body));
    await pts.suspend('live');
  });
});
