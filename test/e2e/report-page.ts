/**
 * What the report suites share: the CPU-bound sample app, and a report's status URL opened in headless Chromium the
 * way a person reaches it — through the Ingress controller when the cluster runs one (an IngressClass exists and the
 * Ingress gets an address), else through the Service's ClusterIP, which kube-proxy routes to the operator.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { NetworkingV1Api, type V1Container, type V1ResourceRequirements, type V1Volume } from '@kubernetes/client-node';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BASE_IMAGE } from '../../src/cluster/settings.ts';
import type { Clients } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const HOT_FUNCTION = 'toe_demo_hot_loop';
const HOT_IMAGE = 'localhost/toe-demo-hot:0.1.0';
const repo = new URL('../..', import.meta.url).pathname;

/**
 * The sample app (samples/apps/cpu-hot) busy `busy`% of the time, as container `app`: the image `toe cluster up`
 * builds when the node has it, else the same program built here (static, frame pointers, -O0, as its README says)
 * and mounted into the base image.
 */
export async function hotContainer(
  clients: Clients,
  work: string,
  busy: number,
  resources: V1ResourceRequirements,
): Promise<{ container: V1Container; volumes: V1Volume[] }> {
  const nodes = await clients.core.listNode();
  if (nodes.items.some((n) => (n.status?.images ?? []).some((i) => (i.names ?? []).includes(HOT_IMAGE)))) {
    return { container: { name: 'app', image: HOT_IMAGE, imagePullPolicy: 'Never', args: [String(busy)], resources }, volumes: [] };
  }
  const dir = join(work, 'app');
  mkdirSync(dir, { recursive: true });
  execFileSync('gcc', [
    '-O0',
    '-g',
    '-fno-omit-frame-pointer',
    '-static',
    '-o',
    join(dir, 'toe-demo-hot'),
    join(repo, 'samples/apps/cpu-hot/main.c'),
  ]);
  chmodSync(dir, 0o755);
  return {
    container: {
      name: 'app',
      image: BASE_IMAGE,
      imagePullPolicy: 'Never',
      command: ['/hot/toe-demo-hot', String(busy)],
      resources,
      volumeMounts: [{ name: 'hot', mountPath: '/hot', readOnly: true }],
    },
    volumes: [{ name: 'hot', hostPath: { path: dir, type: 'Directory' } }],
  };
}

/** The IngressClass to use, when the cluster runs an Ingress controller. */
export async function ingressClass(clients: Clients): Promise<string | undefined> {
  const list = await clients.kc
    .makeApiClient(NetworkingV1Api)
    .listIngressClass()
    .catch(() => undefined);
  const classes = list?.items ?? [];
  const preferred = classes.find((c) => c.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true') ?? classes[0];
  return preferred?.metadata?.name;
}

/** The HTTP status of `url` asked of `address` (the Host header stays the URL's), or undefined unless 200. */
function statusVia(address: string, url: URL): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(
      { host: address, port: Number(url.port || 80), path: url.pathname, headers: { host: url.host }, timeout: 5000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200 ? 200 : undefined);
      },
    );
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** GET `url` from `address` with the URL's Host header (the Ingress routes on it): status, type and body. */
export function getVia(address: string, url: URL): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: address, port: Number(url.port || 80), path: url.pathname, headers: { host: url.host }, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${url.href} via ${address} timed out`)));
    req.end();
  });
}

export interface Reached {
  url: URL;
  address: string;
  via: string;
}

/**
 * Where a report URL from a processing's status answers: the Ingress `toe-reports-<processing>`'s address when
 * `className` is set and the controller gave it one, else the Service's ClusterIP (the URL's host then becomes the
 * Service's DNS name). Waits until the report answers there: routes are programmed asynchronously.
 */
export async function reach(
  clients: Clients,
  namespace: string,
  processing: string,
  reportUrl: string,
  className: string | undefined,
): Promise<Reached> {
  const url = new URL(reportUrl);
  const name = `toe-reports-${processing}`;
  let address: string | undefined;
  let via = 'Service';
  if (className) {
    address = await waitFor(
      'the Ingress address',
      async () => {
        const ing = await clients.kc.makeApiClient(NetworkingV1Api).readNamespacedIngress({ name, namespace });
        return ing.status?.loadBalancer?.ingress?.[0]?.ip;
      },
      { timeoutMs: 60_000 },
    ).catch(() => undefined);
    via = address ? `Ingress (${className})` : via;
  }
  if (!address) {
    const svc = await clients.core.readNamespacedService({ name, namespace });
    address = svc.spec?.clusterIP;
    if (className) url.host = `${name}.${namespace}.svc`;
  }
  if (!address) throw new Error(`no address serves ${reportUrl}`);
  const target = address;
  await waitFor(`${url.href} answering at ${target}`, () => statusVia(target, url), { timeoutMs: 60_000 });
  return { url, address: target, via };
}

export interface OpenedReport {
  page: Page;
  /** Console errors and warnings, and uncaught page errors. */
  problems: string[];
  /** Every URL the page asked for. */
  requests: string[];
  status: number | undefined;
}

/** Headless Chromium with the closed network's flags; the report's host resolves to `address` only. */
export async function launchChromium(address: string, host: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP ${host} ${address}`,
    ],
  });
}

/** The report loaded on a laptop-sized page, recording what it logs and requests. */
export async function openReport(browser: Browser, url: URL): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  const response = await page.goto(url.href, { waitUntil: 'load', timeout: 30_000 });
  return { page, problems, requests, status: response?.status() };
}

/** A full-page screenshot kept in .artifacts/ (a test artifact CI can keep). */
export async function keepScreenshot(page: Page, file: string): Promise<string> {
  const dir = join(repo, '.artifacts');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  await page.screenshot({ path, fullPage: true });
  return path;
}
