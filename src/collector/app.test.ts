import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createCollectorApp } from './app.ts';
import { Store } from './store.ts';
import { serve, type Serving } from './server.ts';
import { createCollectorMetrics } from '../telemetry/metrics.ts';
import { AuthError } from './token.ts';
import type { Principal, ToolIdentity } from './auth.ts';

// The authenticator is the app's seam: these tokens stand for identities TokenReview would have verified
// (the real review is exercised in test/integration/collector.test.ts).
const uid = '0f8e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const web0: ToolIdentity = {
  namespace: 'shop',
  serviceAccount: 'default',
  podName: 'web-0',
  podUID: '11111111-1111-4111-8111-111111111111',
  powerToolUID: uid,
};
const web1: ToolIdentity = { ...web0, podName: 'web-1', podUID: '22222222-2222-4222-8222-222222222222' };
const operator = 'system:serviceaccount:toe-system:toe-operator';
const principals: Record<string, Principal> = {
  'tok-web0': { kind: 'tool', identity: web0 },
  'tok-web1': { kind: 'tool', identity: web1 },
  'tok-reader': { kind: 'reader', username: operator },
  'tok-stranger': { kind: 'reader', username: 'system:serviceaccount:shop:default' },
};
async function authenticate(token: string): Promise<Principal> {
  if (token === 'tok-down') throw new AuthError('unavailable', 'the Kubernetes API could not review the token');
  const p = principals[token];
  if (!p) throw new AuthError('unauthenticated', 'the Kubernetes API did not accept the token');
  return p;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

/** A request with the path sent exactly as written (fetch would normalise `..`), body in chunks without a length. */
function call(
  server: Serving,
  method: string,
  path: string,
  options: { token?: string; body?: string | string[]; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (typeof options.body === 'string') headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = request({ host: '127.0.0.1', port: server.address.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> });
      });
    });
    // The server may answer (413) and close before the body is through; the answer is what the test reads.
    req.on('error', reject);
    for (const part of Array.isArray(options.body) ? options.body : options.body !== undefined ? [options.body] : []) req.write(part);
    req.end();
  });
}

let root: string;
let n = 0;
const servers: Serving[] = [];
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'toe-collector-app-'));
});
after(async () => {
  await Promise.all(servers.map((s) => s.close(100)));
  await rm(root, { recursive: true, force: true });
});

async function start(limits = { maxArtifactBytes: 1000, maxRunBytes: 5000, idleTimeoutMs: 60_000 }) {
  const dataDir = join(root, `case-${++n}`);
  const store = await Store.open(dataDir, limits);
  const metrics = createCollectorMetrics(undefined, false);
  const app = createCollectorApp({ store, authenticate, readers: [operator], metrics, log: pino({ level: 'silent' }) });
  const server = await serve(app, { host: '127.0.0.1', port: 0, idleTimeoutMs: limits.idleTimeoutMs });
  servers.push(server);
  return { server, dataDir, store };
}

describe('collector app: uploads', () => {
  it('streams, resumes, completes and serves an artifact under the path derived from the token', async () => {
    const { server, dataDir } = await start();
    let r = await call(server, 'HEAD', '/v1/artifacts/perf.script', { token: 'tok-web0' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['upload-offset'], '0');
    r = await call(server, 'PUT', '/v1/artifacts/perf.script?offset=0', {
      token: 'tok-web0',
      body: ['main;work 7\n', 'main;idle 1\n'],
      headers: { 'toe-tool': 'perf' },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { offset: 24 });
    r = await call(server, 'PUT', '/v1/artifacts/perf.script?offset=12', { token: 'tok-web0', body: 'dup\n' });
    assert.equal(r.status, 409);
    assert.equal(r.headers['upload-offset'], '24');
    r = await call(server, 'PUT', '/v1/artifacts/perf.script?offset=24', {
      token: 'tok-web0',
      body: 'main;io 2\n',
      headers: { 'toe-tool': 'perf' },
    });
    assert.equal(r.json().offset, 34);
    r = await call(server, 'POST', '/v1/artifacts/perf.script/complete?partial=false', { token: 'tok-web0' });
    assert.equal(r.status, 200);
    assert.equal(r.json().bytes, 34);
    assert.equal(r.json().partial, false);
    const stored = join(dataDir, 'shop', uid, 'web-0', 'perf.script');
    assert.equal(await readFile(stored, 'utf8'), 'main;work 7\nmain;idle 1\nmain;io 2\n');

    r = await call(server, 'GET', `/v1/runs/shop/${uid}`, { token: 'tok-reader' });
    assert.equal(r.status, 200);
    const listing = r.json() as {
      bytes: number;
      artifacts: { pod: string; name: string; bytes: number; partial: boolean; state: string }[];
    };
    assert.equal(listing.bytes, 34);
    assert.deepEqual(
      listing.artifacts.map((a) => [a.pod, a.name, a.bytes, a.partial, a.state]),
      [['web-0', 'perf.script', 34, false, 'complete']],
    );
    r = await call(server, 'GET', `/v1/runs/shop/${uid}/web-0/perf.script`, { token: 'tok-reader' });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'main;work 7\nmain;idle 1\nmain;io 2\n');
    assert.equal(r.headers['toe-partial'], 'false');
    assert.equal(r.headers['content-type'], 'application/octet-stream');
    r = await call(server, 'GET', `/v1/runs/shop/${uid}/web-0/perf.script`, { token: 'tok-reader', headers: { range: 'bytes=5-8' } });
    assert.equal(r.status, 206);
    assert.equal(r.text, 'work');

    const metrics = await call(server, 'GET', '/metrics');
    assert.match(metrics.text, /toe_collector_received_bytes_total\{tool="perf"\} 34/);
    assert.match(metrics.text, /toe_collector_artifacts_total\{finalised_by="client",partial="false"\} 1/);
  });

  it('keeps the partial flag and refuses writes after completion', async () => {
    const { server } = await start();
    await call(server, 'PUT', '/v1/artifacts/capture.pcap?offset=0', { token: 'tok-web0', body: 'pcap' });
    const done = await call(server, 'POST', '/v1/artifacts/capture.pcap/complete?partial=true', { token: 'tok-web0' });
    assert.equal(done.json().partial, true);
    const late = await call(server, 'PUT', '/v1/artifacts/capture.pcap?offset=4', { token: 'tok-web0', body: 'more' });
    assert.equal(late.status, 409);
    assert.equal(late.headers['upload-complete'], 'true');
    const head = await call(server, 'HEAD', '/v1/artifacts/capture.pcap', { token: 'tok-web0' });
    assert.deepEqual(
      [head.headers['upload-offset'], head.headers['upload-complete'], head.headers['upload-partial']],
      ['4', 'true', 'true'],
    );
  });

  it('ignores any location the client names: a token for pod A writes under pod A only', async () => {
    const { server, dataDir } = await start();
    const r = await call(server, 'PUT', `/v1/artifacts/a?offset=0&namespace=kube-system&pod=web-1&uid=${web1.podUID}`, {
      token: 'tok-web0',
      body: 'x',
      headers: { 'toe-namespace': 'kube-system', 'toe-pod': 'web-1' },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(await readdir(dataDir), ['shop']);
    assert.deepEqual(await readdir(join(dataDir, 'shop', uid)), ['web-0']);
    // Pod B sees its own, empty upload of the same name.
    const b = await call(server, 'HEAD', '/v1/artifacts/a', { token: 'tok-web1' });
    assert.equal(b.headers['upload-offset'], '0');
  });

  it('refuses bad offsets and partial flags, naming the parameter', async () => {
    const { server } = await start();
    for (const q of ['', '?offset=-1', '?offset=01', '?offset=1e3', '?offset=1&offset=1', '?offset=99999999999999999']) {
      const r = await call(server, 'PUT', `/v1/artifacts/a${q}`, { token: 'tok-web0', body: 'x' });
      assert.equal(r.status, 400, q);
      assert.equal(r.json().field, 'offset', q);
    }
    const r = await call(server, 'POST', '/v1/artifacts/a/complete?partial=yes', { token: 'tok-web0' });
    assert.equal(r.status, 400);
    assert.equal(r.json().field, 'partial');
  });
});

describe('collector app: a tool killed mid-stream', () => {
  it('keeps the bytes of a body cut off mid-way, and the sweep finalises them as a partial artifact', async () => {
    const { server, store } = await start();
    const req = request({
      host: '127.0.0.1',
      port: server.address.port,
      method: 'PUT',
      path: '/v1/artifacts/capture.pcap?offset=0',
      headers: { authorization: 'Bearer tok-web0' },
    });
    req.on('error', () => undefined);
    req.write('x'.repeat(300));
    while ((await store.offset(web0, 'capture.pcap')).offset < 300) await new Promise((r) => setTimeout(r, 10));
    // What a SIGKILL does to the tool's connection: it ends with no final chunk.
    req.destroy();
    // Once the server has seen the connection end, the upload is idle; a sweep past the timeout finalises it.
    let finalised: Awaited<ReturnType<Store['sweep']>>['finalised'] = [];
    while (finalised.length === 0) {
      finalised = (await store.sweep(Date.now() + 60_000)).finalised;
      if (finalised.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(finalised[0]?.meta.bytes, 300);
    const listing = await call(server, 'GET', `/v1/runs/shop/${uid}`, { token: 'tok-reader' });
    const artifacts = listing.json().artifacts as { name: string; bytes: number; partial: boolean; finalisedBy: string }[];
    assert.deepEqual(
      artifacts.map((a) => [a.name, a.bytes, a.partial, a.finalisedBy]),
      [['capture.pcap', 300, true, 'idle-timeout']],
    );
  });
});

describe('collector app: refusals', () => {
  it('refuses a request without a token, with a malformed header, or with a token Kubernetes rejects', async () => {
    const { server, dataDir } = await start();
    let r = await call(server, 'PUT', '/v1/artifacts/a?offset=0', { body: 'x' });
    assert.equal(r.status, 401);
    assert.equal(r.json().reason, 'missing');
    assert.match(String(r.headers['www-authenticate']), /^Bearer realm="toe-collector"$/);
    r = await call(server, 'PUT', '/v1/artifacts/a?offset=0', { body: 'x', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(r.json().reason, 'malformed');
    r = await call(server, 'PUT', '/v1/artifacts/a?offset=0', { token: 'tok-forged', body: 'x' });
    assert.equal(r.status, 401);
    assert.equal(r.json().reason, 'unauthenticated');
    assert.match(String(r.headers['www-authenticate']), /error="invalid_token"/);
    assert.deepEqual(await readdir(dataDir), []);
  });

  it('answers 503 when the token cannot be reviewed', async () => {
    const { server } = await start();
    const r = await call(server, 'HEAD', '/v1/artifacts/a', { token: 'tok-down' });
    assert.equal(r.status, 503);
  });

  it('refuses path tricks in the artifact name and writes nothing', async () => {
    const { server, dataDir } = await start();
    const tricks = [
      '/v1/artifacts/..',
      '/v1/artifacts/%2e%2e',
      '/v1/artifacts/..%2f..%2fescape',
      '/v1/artifacts/%2e%2e%2f%2e%2e%2fescape',
      '/v1/artifacts/%2Fetc%2Fpasswd',
      '/v1/artifacts/a%00b',
      '/v1/artifacts/%C3%A9t%C3%A9',
      '/v1/artifacts/.hidden',
      '/v1/artifacts/a%5Cb',
      `/v1/artifacts/${'a'.repeat(129)}`,
      '/v1/artifacts/%zz',
      '/v1/artifacts/../../escape',
    ];
    for (const path of tricks) {
      const r = await call(server, 'PUT', `${path}?offset=0`, { token: 'tok-web0', body: 'x' });
      assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
    }
    assert.deepEqual(await readdir(dataDir), []);
    assert.deepEqual(await readdir(root).then((names) => names.filter((x) => x === 'escape')), []);
  });

  it('refuses path tricks on the read side', async () => {
    const { server } = await start();
    for (const path of [
      `/v1/runs/..%2f..%2f/${uid}`,
      '/v1/runs/shop/..',
      `/v1/runs/shop/${uid}/..%2f..%2f/passwd`,
      `/v1/runs/shop/${uid}/web-0/%2e%2e`,
    ]) {
      const r = await call(server, 'GET', path, { token: 'tok-reader' });
      assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
    }
  });

  it('lets only allowlisted readers read, and only tools write', async () => {
    const { server } = await start();
    await call(server, 'PUT', '/v1/artifacts/a?offset=0', { token: 'tok-web0', body: 'x' });
    await call(server, 'POST', '/v1/artifacts/a/complete?partial=false', { token: 'tok-web0' });
    for (const token of ['tok-web0', 'tok-stranger']) {
      assert.equal((await call(server, 'GET', `/v1/runs/shop/${uid}`, { token })).status, 403, token);
      assert.equal((await call(server, 'GET', `/v1/runs/shop/${uid}/web-0/a`, { token })).status, 403, token);
    }
    assert.equal((await call(server, 'PUT', '/v1/artifacts/b?offset=0', { token: 'tok-reader', body: 'x' })).status, 403);
    assert.equal((await call(server, 'GET', `/v1/runs/shop/${uid}/web-0/missing`, { token: 'tok-reader' })).status, 404);
    await call(server, 'PUT', '/v1/artifacts/open?offset=0', { token: 'tok-web1', body: 'x' });
    assert.equal((await call(server, 'GET', `/v1/runs/shop/${uid}/web-1/open`, { token: 'tok-reader' })).status, 409);
  });

  it('refuses oversize: a declared body past the cap whole, a streamed one at the cap', async () => {
    const { server, dataDir } = await start();
    let r = await call(server, 'PUT', '/v1/artifacts/big?offset=0', { token: 'tok-web0', body: 'x'.repeat(1001) });
    assert.equal(r.status, 413);
    assert.equal(r.json().cap, 'artifact');
    assert.equal(r.headers['upload-offset'], '0');
    r = await call(server, 'PUT', '/v1/artifacts/stream?offset=0', { token: 'tok-web0', body: ['y'.repeat(700), 'y'.repeat(700)] });
    assert.equal(r.status, 413);
    assert.equal(r.headers['upload-offset'], '1000');
    r = await call(server, 'POST', '/v1/artifacts/stream/complete?partial=false', { token: 'tok-web0' });
    assert.deepEqual([r.json().bytes, r.json().partial, r.json().capped], [1000, true, 'artifact']);
    assert.equal((await readFile(join(dataDir, 'shop', uid, 'web-0', 'stream'))).length, 1000);
  });

  it('answers Expect: 100-continue with a refusal before the body, and with 100 Continue only for an accepted upload', async () => {
    const { server, dataDir } = await start();
    /** Sends the body only on `100 Continue`; reports whether it was asked for. */
    const expecting = (path: string, token: string, body: string) =>
      new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        let continued = false;
        const headers = { expect: '100-continue', 'content-length': String(body.length), authorization: `Bearer ${token}` };
        const req = request({ host: '127.0.0.1', port: server.address.port, method: 'PUT', path, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, continued }));
        });
        req.on('continue', () => {
          continued = true;
          req.end(body);
        });
        req.on('error', reject);
      });
    assert.deepEqual(await expecting('/v1/artifacts/big?offset=0', 'tok-web0', 'x'.repeat(1001)), { status: 413, continued: false });
    assert.deepEqual(await expecting('/v1/artifacts/big?offset=0', 'tok-nobody', 'x'), { status: 401, continued: false });
    assert.deepEqual(await expecting('/v1/artifacts/fits?offset=0', 'tok-web0', 'hello'), { status: 200, continued: true });
    assert.equal(await readFile(join(dataDir, 'shop', uid, 'web-0', '.fits.upload'), 'utf8'), 'hello');
  });

  it('answers unknown routes with 404', async () => {
    const { server } = await start();
    assert.equal((await call(server, 'GET', '/v1/nothing')).status, 404);
    assert.equal((await call(server, 'GET', '/healthz')).text, 'ok\n');
  });
});
