/**
 * The collector against a real kube-apiserver: real TokenRequest tokens bound to real Pod objects, verified by
 * real TokenReview calls made with a least-privilege ServiceAccount (ClusterRole system:auth-delegator only).
 * The pods never run (there is no kubelet); they only need to exist for their tokens to be valid.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, RbacAuthorizationV1Api, type V1Pod } from '@kubernetes/client-node';
import { pino } from 'pino';
import { createCollectorApp } from '../../src/collector/app.ts';
import { reviewingAuthenticator, tokenReview } from '../../src/collector/auth.ts';
import { serve, type Serving } from '../../src/collector/server.ts';
import { Store } from '../../src/collector/store.ts';
import { READER_AUDIENCE } from '../../src/collector/token.ts';
import { ensureNamespace, testClients } from './kube.ts';
import { waitFor } from '../../src/kube/wait.ts';

const clients = testClients();
const rbac = clients.kc.makeApiClient(RbacAuthorizationV1Api);
const suffix = Date.now().toString(36);
const NS = `collector-it-${suffix}`;
const NS_B = `${NS}-b`;
const BINDING = `toe-collector-it-${suffix}`;
const RUN = randomUUID();
const audience = (uid = RUN): string => `toe.dev/collector/${uid}`;
const readerUser = `system:serviceaccount:${NS}:reader`;

async function serviceAccount(namespace: string, name: string): Promise<void> {
  await clients.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
}

async function pod(namespace: string, name: string): Promise<V1Pod> {
  return clients.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name },
      spec: {
        serviceAccountName: 'tool',
        containers: [{ name: 'app', image: 'localhost/toe-base:never-pulled', imagePullPolicy: 'Never' }],
      },
    },
  });
}

/** A TokenRequest as the operator makes one: the pod's ServiceAccount, bound to the pod, one audience. */
async function token(namespace: string, sa: string, audiences: string[], bound?: V1Pod): Promise<string> {
  const res = await clients.core.createNamespacedServiceAccountToken({
    name: sa,
    namespace,
    body: {
      spec: {
        audiences,
        expirationSeconds: 600,
        ...(bound ? { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: bound.metadata?.name, uid: bound.metadata?.uid } } : {}),
      },
    },
  });
  return res.status?.token ?? assert.fail('TokenRequest returned no token');
}

/** A kubeconfig for the collector's own ServiceAccount, so the reviews run with the collector's real privileges. */
async function collectorKubeConfig(): Promise<KubeConfig> {
  const cluster = clients.kc.getCurrentCluster() ?? assert.fail('no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'collector', token: await token(NS, 'collector', []) }],
    contexts: [{ name: 'collector', cluster: cluster.name, user: 'collector' }],
    currentContext: 'collector',
  });
  return kc;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> & { text?: string };
}

/** The path goes out exactly as written, so traversal attempts reach the server unnormalised. */
function call(server: Serving, method: string, path: string, bearer?: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = request({ host: '127.0.0.1', port: server.address.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Reply['body'];
        try {
          parsed = JSON.parse(text) as Reply['body'];
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('collector against a real API server', () => {
  let root: string;
  let kc: KubeConfig;
  const servers: Serving[] = [];
  const pods: Record<string, V1Pod> = {};

  async function collector(
    options: { cacheTtlMs?: number; maxArtifactBytes?: number } = {},
  ): Promise<{ server: Serving; dataDir: string }> {
    const dataDir = await mkdtemp(join(root, 'data-'));
    const store = await Store.open(dataDir, {
      maxArtifactBytes: options.maxArtifactBytes ?? 1 << 20,
      maxRunBytes: 8 << 20,
      idleTimeoutMs: 60_000,
    });
    const authenticate = reviewingAuthenticator(tokenReview(kc), { cacheTtlMs: options.cacheTtlMs });
    const app = createCollectorApp({ store, authenticate, readers: [readerUser], log: pino({ level: 'silent' }) });
    const server = await serve(app, { host: '127.0.0.1', port: 0, idleTimeoutMs: 60_000 });
    servers.push(server);
    return { server, dataDir };
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'toe-collector-it-'));
    await ensureNamespace(clients, NS);
    await ensureNamespace(clients, NS_B);
    for (const [ns, sa] of [
      [NS, 'tool'],
      [NS_B, 'tool'],
      [NS, 'collector'],
      [NS, 'reader'],
      [NS, 'stranger'],
    ] as const)
      await serviceAccount(ns, sa);
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: BINDING },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
        subjects: [{ kind: 'ServiceAccount', name: 'collector', namespace: NS }],
      },
    });
    pods.a = await pod(NS, 'web-a');
    pods.b = await pod(NS, 'web-b');
    pods.c = await pod(NS_B, 'web-c');
    kc = await collectorKubeConfig();
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.close(100)));
    await rbac.deleteClusterRoleBinding({ name: BINDING }).catch(() => undefined);
    for (const ns of [NS, NS_B]) await clients.core.deleteNamespace({ name: ns }).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  it('accepts a pod-bound token and stores under <namespace>/<uid>/<pod>/<artifact>', async () => {
    const { server, dataDir } = await collector();
    const t = await token(NS, 'tool', [audience()], pods.a);
    let r = await call(server, 'PUT', '/v1/artifacts/perf.script?offset=0', t, 'main;hot 9\n');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await call(server, 'PUT', '/v1/artifacts/perf.script?offset=11', t, 'main;cold 1\n');
    assert.equal(r.body.offset, 23);
    r = await call(server, 'POST', '/v1/artifacts/perf.script/complete?partial=false', t);
    assert.equal(r.status, 200);
    assert.equal(r.body.podUID, pods.a?.metadata?.uid);
    assert.equal(await readFile(join(dataDir, NS, RUN, 'web-a', 'perf.script'), 'utf8'), 'main;hot 9\nmain;cold 1\n');

    const reader = await token(NS, 'reader', [READER_AUDIENCE]);
    r = await call(server, 'GET', `/v1/runs/${NS}/${RUN}`, reader);
    assert.equal(r.status, 200);
    assert.deepEqual(
      (r.body.artifacts as { pod: string; name: string; bytes: number }[]).map((a) => [a.pod, a.name, a.bytes]),
      [['web-a', 'perf.script', 23]],
    );
    r = await call(server, 'GET', `/v1/runs/${NS}/${RUN}/web-a/perf.script`, reader);
    assert.equal(r.body.text, 'main;hot 9\nmain;cold 1\n');
  });

  it('refuses a request without a token', async () => {
    const { server } = await collector();
    const r = await call(server, 'PUT', '/v1/artifacts/a?offset=0', undefined, 'x');
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'missing');
  });

  it('refuses tokens for another audience, with extra audiences, or with an edited audience', async () => {
    const { server, dataDir } = await collector();
    const foreign = await token(NS, 'tool', ['https://kubernetes.default.svc.cluster.local'], pods.a);
    const extra = await token(NS, 'tool', [audience(), 'https://kubernetes.default.svc.cluster.local'], pods.a);
    // Same signature, payload rewritten to claim another run: TokenReview must reject the signature.
    const genuine = await token(NS, 'tool', [audience()], pods.a);
    const [h, p, s] = genuine.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const edited = [h, Buffer.from(JSON.stringify({ ...claims, aud: [audience(randomUUID())] })).toString('base64url'), s].join('.');
    for (const [label, t, reason] of [
      ['foreign', foreign, 'audience'],
      ['extra', extra, 'audience'],
      ['edited', edited, 'unauthenticated'],
    ] as const) {
      const r = await call(server, 'PUT', '/v1/artifacts/a?offset=0', t, 'x');
      assert.equal(r.status, 401, label);
      assert.equal(r.body.reason, reason, label);
    }
    assert.deepEqual(await readdir(dataDir), []);
  });

  it('refuses a token with the collector audience that is not bound to a pod', async () => {
    const { server } = await collector();
    const unbound = await token(NS, 'tool', [audience()]);
    const r = await call(server, 'PUT', '/v1/artifacts/a?offset=0', unbound, 'x');
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'claims');
  });

  it('keeps pods and namespaces apart: a token for pod A never writes under pod B', async () => {
    const { server, dataDir } = await collector();
    const a = await token(NS, 'tool', [audience()], pods.a);
    const b = await token(NS, 'tool', [audience()], pods.b);
    const c = await token(NS_B, 'tool', [audience()], pods.c);
    assert.equal((await call(server, 'PUT', '/v1/artifacts/samples.jsonl?offset=0&pod=web-b&namespace=' + NS_B, a, 'from-a')).status, 200);
    // B sees only its own (empty) upload of the same name, and appending at A's offset is a conflict, not a write.
    const head = await call(server, 'HEAD', '/v1/artifacts/samples.jsonl', b);
    assert.equal(head.headers['upload-offset'], '0');
    assert.equal((await call(server, 'PUT', '/v1/artifacts/samples.jsonl?offset=6', b, 'from-b')).status, 409);
    assert.equal((await call(server, 'PUT', '/v1/artifacts/samples.jsonl?offset=0', c, 'from-c')).status, 200);
    assert.deepEqual((await readdir(dataDir)).sort(), [NS, NS_B].sort());
    assert.deepEqual(await readdir(join(dataDir, NS, RUN)), ['web-a']);
    assert.deepEqual(await readdir(join(dataDir, NS_B, RUN)), ['web-c']);
    assert.equal(await readFile(join(dataDir, NS, RUN, 'web-a', '.samples.jsonl.upload'), 'utf8'), 'from-a');
    // A token for another run writes under that run only.
    const otherRun = randomUUID();
    const a2 = await token(NS, 'tool', [audience(otherRun)], pods.a);
    assert.equal((await call(server, 'PUT', '/v1/artifacts/samples.jsonl?offset=0', a2, 'run-2')).status, 200);
    assert.equal(await readFile(join(dataDir, NS, otherRun, 'web-a', '.samples.jsonl.upload'), 'utf8'), 'run-2');
  });

  it('refuses the token of a deleted pod (how an expired token is tested: TokenRequest lives at least 600 s)', async () => {
    const { server } = await collector({ cacheTtlMs: 0 });
    const doomed = await pod(NS, 'web-doomed');
    const t = await token(NS, 'tool', [audience()], doomed);
    assert.equal((await call(server, 'PUT', '/v1/artifacts/a?offset=0', t, 'x')).status, 200);
    await clients.core.deleteNamespacedPod({ name: 'web-doomed', namespace: NS, gracePeriodSeconds: 0 });
    await waitFor('pod web-doomed gone', async () =>
      clients.core.readNamespacedPod({ name: 'web-doomed', namespace: NS }).then(
        () => false,
        () => true,
      ),
    );
    const r = await waitFor('the token refused', async () => {
      const reply = await call(server, 'PUT', '/v1/artifacts/a?offset=1', t, 'y');
      return reply.status === 401 ? reply : undefined;
    });
    assert.equal(r.body.reason, 'unauthenticated');
  });

  it('refuses path tricks with a valid token', async () => {
    const { server, dataDir } = await collector();
    const t = await token(NS, 'tool', [audience()], pods.a);
    for (const path of [
      '/v1/artifacts/%2e%2e',
      '/v1/artifacts/..%2f..%2fescape',
      '/v1/artifacts/%2Fetc%2Fpasswd',
      '/v1/artifacts/a%00b',
      '/v1/artifacts/%C3%A9',
      `/v1/artifacts/${'a'.repeat(129)}`,
    ]) {
      const r = await call(server, 'PUT', `${path}?offset=0`, t, 'x');
      assert.equal(r.status, 400, path);
    }
    assert.deepEqual(await readdir(dataDir), []);
  });

  it('refuses oversize uploads with 413', async () => {
    const { server } = await collector({ maxArtifactBytes: 1024 });
    const t = await token(NS, 'tool', [audience()], pods.a);
    const r = await call(server, 'PUT', '/v1/artifacts/big?offset=0', t, 'x'.repeat(2048));
    assert.equal(r.status, 413);
    assert.equal(r.body.cap, 'artifact');
  });

  it('lets only allowlisted readers read', async () => {
    const { server } = await collector();
    const tool = await token(NS, 'tool', [audience()], pods.a);
    const stranger = await token(NS, 'stranger', [READER_AUDIENCE]);
    const readerForApi = await token(NS, 'reader', []);
    assert.equal((await call(server, 'GET', `/v1/runs/${NS}/${RUN}`, tool)).status, 403);
    assert.equal((await call(server, 'GET', `/v1/runs/${NS}/${RUN}`, stranger)).status, 403);
    const r = await call(server, 'GET', `/v1/runs/${NS}/${RUN}`, readerForApi);
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'audience');
  });
});
