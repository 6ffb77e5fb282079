/**
 * The local cluster's Ingress controller routes for real: a default IngressClass exists, an Ingress without a class
 * gets it, a request with the Ingress's Host header to the controller's address reaches the pods behind the Service,
 * paths that match nothing get 404, a Service without a selector whose EndpointSlice names a server on the node
 * address (how a host-run operator exposes its reports) is reachable too, and a TLS secret is served for its host.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  type V1Container,
  type V1Ingress,
} from '@kubernetes/client-node';
import { layout } from '../../src/cluster/layout.ts';
import { BASE_IMAGE, INGRESS_CLASS, network, ports } from '../../src/cluster/settings.ts';
import { deploymentOf } from './operator.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { dumpOnFailure } from './diagnose.ts';

const run = promisify(execFile);
const kc = new KubeConfig();
kc.loadFromDefault();
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const net = kc.makeApiClient(NetworkingV1Api);
const discovery = kc.makeApiClient(DiscoveryV1Api);
const ns = `toe-e2e-ingress-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [ns]);
const HOST = 'demo.toe.local';

interface Answer {
  status: number;
  body: string;
}

/** GET through the controller at the node address, naming the virtual host only in the Host header. */
function get(host: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: network.nodeIp, port: ports.ingressHttp, path, headers: { host }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Waits until a path answers with `status` (the controller picks up new objects within a second or two). */
const answers = (host: string, path: string, status: number): Promise<Answer> =>
  waitFor(
    `${host}${path} to answer ${status}`,
    async () => {
      const a = await get(host, path);
      return a.status === status ? a : undefined;
    },
    { timeoutMs: 60_000 },
  );

function ingress(
  name: string,
  rules: { host: string; path: string; service: string; port: number }[],
  extra: Partial<V1Ingress['spec']> = {},
): V1Ingress {
  return {
    metadata: { name },
    spec: {
      ...extra,
      rules: rules.map((r) => ({
        host: r.host,
        http: { paths: [{ path: r.path, pathType: 'Prefix', backend: { service: { name: r.service, port: { number: r.port } } } }] },
      })),
    },
  };
}

// Any cluster can run Ingresses, but only the local one is known to run this controller at this address.
const local = process.env.KUBECONFIG === layout().kubeconfig;

describe('toe cluster: the Ingress controller', { skip: local ? false : 'KUBECONFIG is not the local toe cluster' }, () => {
  let hostServer: Server | undefined;
  const seen: string[] = [];

  before(async () => {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await waitFor('the namespace default ServiceAccount', () => core.readNamespacedServiceAccount({ name: 'default', namespace: ns }), {
      timeoutMs: 60_000,
    });
    const web: V1Container = {
      name: 'web',
      image: BASE_IMAGE,
      imagePullPolicy: 'Never',
      command: ['sh', '-c', 'mkdir -p /www && echo "hello from $(hostname)" > /www/hello && exec httpd -f -p 8080 -h /www'],
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
    };
    await apps.createNamespacedDeployment({ namespace: ns, body: deploymentOf('hello', 1, [web]) });
    await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'hello' }, spec: { selector: { app: 'hello' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
  });

  after(async () => {
    hostServer?.close();
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
  });

  it('has a default IngressClass that an Ingress without a class receives', async () => {
    const cls = await net.readIngressClass({ name: INGRESS_CLASS });
    assert.equal(cls.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
    const created = await net.createNamespacedIngress({
      namespace: ns,
      body: ingress('hello', [{ host: HOST, path: '/hello', service: 'hello', port: 80 }]),
    });
    assert.equal(created.spec?.ingressClassName, INGRESS_CLASS);
  });

  it('routes host and path to the pods behind the Service, and reports its address in the Ingress status', async () => {
    const a = await answers(HOST, '/hello', 200);
    assert.match(a.body, /^hello from hello-/);
    const ing = await waitFor(
      'the Ingress status address',
      async () => (await net.readNamespacedIngress({ name: 'hello', namespace: ns })).status?.loadBalancer?.ingress?.[0],
      { timeoutMs: 60_000 },
    );
    assert.equal(ing.ip, network.nodeIp);
  });

  it('answers 404 for a path, a longer path segment or a host that no Ingress names', async () => {
    await answers(HOST, '/hello', 200);
    assert.equal((await get(HOST, '/nothing-here')).status, 404);
    // Prefix matching is per path element: /hello does not cover /helloworld.
    assert.equal((await get(HOST, '/helloworld')).status, 404);
    assert.equal((await get('other.toe.local', '/hello')).status, 404);
  });

  it('reaches a server on the node address through a Service without a selector and its own EndpointSlice', async () => {
    hostServer = createServer((req, res) => {
      seen.push(`${req.headers.host ?? ''} ${req.url ?? ''}`);
      res.end('served by the host\n');
    });
    await new Promise<void>((resolve) => hostServer!.listen(0, network.nodeIp, resolve));
    const port = (hostServer.address() as AddressInfo).port;
    await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'on-host' }, spec: { ports: [{ name: 'http', port: 80, targetPort: port }] } },
    });
    await discovery.createNamespacedEndpointSlice({
      namespace: ns,
      body: {
        metadata: {
          name: 'on-host',
          labels: { 'kubernetes.io/service-name': 'on-host', 'endpointslice.kubernetes.io/managed-by': 'e2e.toe.dev' },
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: [network.nodeIp], conditions: { ready: true } }],
        ports: [{ name: 'http', port, protocol: 'TCP' }],
      },
    });
    await net.createNamespacedIngress({
      namespace: ns,
      body: ingress('on-host', [{ host: HOST, path: '/reports', service: 'on-host', port: 80 }]),
    });
    const a = await answers(HOST, '/reports/index.html', 200);
    assert.equal(a.body, 'served by the host\n');
    assert.ok(seen.includes(`${HOST} /reports/index.html`), `the host server saw ${seen.join(', ')}`);
    // The other Ingress of the same host still routes to its pods.
    assert.equal((await get(HOST, '/hello')).status, 200);
  });

  it("serves the certificate of an Ingress's TLS secret for its host on the https port", async () => {
    const secureHost = 'secure.toe.local';
    const dir = await mkdtemp(join(tmpdir(), 'toe-e2e-tls-'));
    try {
      await run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${secureHost}`,
        '-addext',
        `subjectAltName=DNS:${secureHost}`,
        '-keyout',
        join(dir, 'tls.key'),
        '-out',
        join(dir, 'tls.crt'),
      ]);
      const [cert, key] = await Promise.all([readFile(join(dir, 'tls.crt'), 'utf8'), readFile(join(dir, 'tls.key'), 'utf8')]);
      await core.createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name: 'secure-tls' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': cert, 'tls.key': key } },
      });
      await net.createNamespacedIngress({
        namespace: ns,
        body: ingress('secure', [{ host: secureHost, path: '/hello', service: 'hello', port: 80 }], {
          tls: [{ hosts: [secureHost], secretName: 'secure-tls' }],
        }),
      });
      // Verified against the secret's own certificate: only that one (not Traefik's default) passes.
      const a = await waitFor(
        "https with the secret's certificate",
        () =>
          new Promise<Answer | undefined>((resolve) => {
            const req = httpsRequest(
              {
                host: network.nodeIp,
                port: ports.ingressHttps,
                path: '/hello',
                servername: secureHost,
                headers: { host: secureHost },
                ca: cert,
                timeout: 5000,
              },
              (res) => {
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (d: string) => (body += d));
                res.on('end', () => resolve(res.statusCode === 200 ? { status: 200, body } : undefined));
              },
            );
            req.on('timeout', () => req.destroy(new Error('timeout')));
            req.on('error', () => resolve(undefined));
            req.end();
          }),
        { timeoutMs: 60_000 },
      );
      assert.match(a.body, /^hello from hello-/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
