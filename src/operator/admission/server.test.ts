import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import type { Server } from 'node:http';
import { connect as connectTcp, type AddressInfo } from 'node:net';
import { pino } from 'pino';
import { REQUESTED_BY_ANNOTATION, type PowerToolConfig } from '../../api/index.ts';
import { perfConfig } from '../../allowlist/testdata/perf.ts';
import { createMetrics } from '../../telemetry/metrics.ts';
import { generateWebhookTls, hostsOf } from './certs.ts';
import { createAdmissionApp, listenAdmission } from './server.ts';

const silent = pino({ level: 'silent' });
const config = { apiVersion: 'toe.dev/v1alpha1', kind: 'PowerToolConfig', metadata: { name: 'perf' }, spec: perfConfig } as PowerToolConfig;
const configs = {
  findConfig: (tool: string) => (tool === 'perf' ? config : undefined),
  knownTools: () => ['perf'],
  operatorNamespace: 'toe-system',
};

function reviewBody(args: string[], operation = 'CREATE'): unknown {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'c0ffee00-0000-4000-8000-000000000001',
      kind: { group: 'toe.dev', version: 'v1alpha1', kind: 'PowerTool' },
      resource: { group: 'toe.dev', version: 'v1alpha1', resource: 'powertools' },
      name: 'pt',
      namespace: 'shop',
      operation,
      userInfo: { username: 'alice', groups: ['devs'] },
      object: {
        apiVersion: 'toe.dev/v1alpha1',
        kind: 'PowerTool',
        metadata: { name: 'pt', namespace: 'shop' },
        spec: { targets: { selector: {} }, tool: { name: 'perf', args } },
      },
      oldObject: null,
      dryRun: false,
    },
  };
}

describe('admission app', () => {
  const metrics = createMetrics();
  let server: Server;
  let base: string;

  before(async () => {
    server = createAdmissionApp({ configs, metrics, log: silent }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => void server.close());

  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const count = async (kind: string, verdict: string) =>
    (await metrics.admissionTotal.get()).values.find((v) => v.labels.kind === kind && v.labels.verdict === verdict)?.value ?? 0;

  it('answers /validate with an AdmissionReview carrying the request uid', async () => {
    const res = await post('/validate', reviewBody(['--freq=49']));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'c0ffee00-0000-4000-8000-000000000001', allowed: true },
    });
    assert.equal(await count('validating', 'allowed'), 1);
  });

  it('denies hostile args on /validate and counts the denial', async () => {
    const res = await post('/validate', reviewBody(['--freq=$(id)']));
    const body = (await res.json()) as { response: { allowed: boolean; status: { message: string } } };
    assert.equal(body.response.allowed, false);
    assert.match(body.response.status.message, /^PowerTool "pt" is invalid: spec\.tool\.args\[0\]: "--freq=\$\(id\)"/);
    assert.equal(await count('validating', 'denied'), 1);
  });

  it('answers /mutate with a base64 JSON patch recording the requester', async () => {
    const res = await post('/mutate', reviewBody([]));
    const body = (await res.json()) as { response: { allowed: boolean; patchType: string; patch: string } };
    assert.equal(body.response.patchType, 'JSONPatch');
    assert.deepEqual(JSON.parse(Buffer.from(body.response.patch, 'base64').toString()), [
      { op: 'add', path: '/metadata/annotations', value: { [REQUESTED_BY_ANNOTATION]: '{"username":"alice","groups":["devs"]}' } },
    ]);
    assert.equal(await count('mutating', 'patched'), 1);
  });

  it('refuses what is not an AdmissionReview with 400, naming the field', async () => {
    const res = await post('/validate', { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /^not an admission\.k8s\.io\/v1 AdmissionReview request: apiVersion: /);
    const garbled = await post('/mutate', '{"apiVersion":');
    assert.equal(garbled.status, 400);
    assert.equal(await count('validating', 'error'), 1);
    assert.equal(await count('mutating', 'error'), 1);
  });

  it('refuses bodies over the limit with 413', async () => {
    const res = await post('/validate', { ...(reviewBody([]) as object), padding: 'x'.repeat(9 * 1024 * 1024) });
    assert.equal(res.status, 413);
  });
});

describe('listenAdmission', () => {
  it('serves HTTPS with the given certificate and swaps it for new connections on reload', async () => {
    const first = await generateWebhookTls(hostsOf(['127.0.0.1']));
    const app = createAdmissionApp({ configs, metrics: createMetrics(), log: silent });
    const served = await listenAdmission(app, first.serving, { host: '127.0.0.1', port: 0 });
    const peer = (ca: string) =>
      new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: served.port, path: '/healthz', ca, agent: false }, (res) => {
          resolve(
            new X509Certificate((res.socket as unknown as { getPeerX509Certificate(): X509Certificate }).getPeerX509Certificate().raw)
              .fingerprint256,
          );
          res.resume();
        });
        req.on('error', reject);
        req.end();
      });
    try {
      assert.equal(await peer(first.ca.cert), new X509Certificate(first.serving.cert).fingerprint256);
      const second = await generateWebhookTls(hostsOf(['127.0.0.1']));
      served.reload(second.serving);
      assert.equal(await peer(second.ca.cert), new X509Certificate(second.serving.cert).fingerprint256);
      await assert.rejects(peer(first.ca.cert), /self-signed|unable to verify|certificate/i);
    } finally {
      await served.close();
    }
  });

  it('closes even when a client holds a connection that never finishes its TLS handshake', { timeout: 10_000 }, async () => {
    const tls = await generateWebhookTls(hostsOf(['127.0.0.1']));
    const served = await listenAdmission(
      createAdmissionApp({ configs, metrics: createMetrics(), log: silent }),
      tls.serving,
      { host: '127.0.0.1', port: 0 },
      200,
    );
    const stuck = connectTcp(served.port, '127.0.0.1');
    await new Promise((resolve) => stuck.once('connect', resolve));
    const closedByServer = new Promise((resolve) => stuck.once('close', resolve));
    await served.close();
    await closedByServer;
  });
});
