import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import { route, startReportsServer, type ReportsServer } from './server.ts';

describe('route', () => {
  it('keeps a path without a known prefix as it is', () => {
    assert.deepEqual(route('/shop/p/r.html', ['/toe']), { candidates: ['/shop/p/r.html'] });
    assert.deepEqual(route('/toex/a', ['/toe']), { candidates: ['/toex/a'] });
  });

  it('offers the path without the longest matching prefix', () => {
    assert.deepEqual(route('/toe/reports/shop/p/r.html?x=1', ['/toe', '/toe/reports', '/']), {
      candidates: ['/toe/reports/shop/p/r.html?x=1', '/shop/p/r.html?x=1'],
    });
  });

  it('redirects a bare prefix to its directory so relative links resolve under it', () => {
    assert.deepEqual(route('/toe?sort=1', ['/toe']), { redirect: '/toe/?sort=1' });
  });
});

describe('reports server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toe-ptp-server-'));
  let server: ReportsServer;
  const get = (path: string) => fetch(`http://127.0.0.1:${server.port}${path}`, { redirect: 'manual' });

  before(async () => {
    mkdirSync(join(dir, 'shop', 'checkout'), { recursive: true });
    writeFileSync(join(dir, 'shop', 'checkout', 'r1.html'), '<!doctype html><title>r1</title>');
    mkdirSync(join(dir, 'toe', 'x'), { recursive: true });
    writeFileSync(join(dir, 'toe', 'x', 'r2.html'), '<!doctype html><title>r2</title>');
    server = await startReportsServer({
      dir,
      host: '127.0.0.1',
      port: 0,
      prefixes: () => ['/reports', '/toe'],
      log: pino({ level: 'silent' }),
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves reports at their own path and under an Ingress prefix', async () => {
    assert.equal(await (await get('/shop/checkout/r1.html')).text(), '<!doctype html><title>r1</title>');
    assert.equal(await (await get('/reports/shop/checkout/r1.html')).text(), '<!doctype html><title>r1</title>');
    const index = await get('/reports/');
    assert.equal(index.status, 200);
    assert.match(await index.text(), /href="shop\/checkout\/r1\.html"/);
    const bare = await get('/reports');
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.get('location'), '/reports/');
  });

  it('prefers a file that exists as named over stripping a prefix equal to a namespace', async () => {
    assert.equal(await (await get('/toe/x/r2.html')).text(), '<!doctype html><title>r2</title>');
  });

  it('sends Cross-Origin-Opener-Policy only where a browser honours it (HTTPS or loopback)', async () => {
    // node:http, not fetch: fetch will not send a Host header of our choosing.
    const at = (host: string, proto?: string) =>
      new Promise<IncomingHttpHeaders>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: '/shop/checkout/r1.html',
            headers: { host, ...(proto ? { 'x-forwarded-proto': proto } : {}) },
          },
          (res) => {
            res.resume();
            resolve(res.headers);
          },
        );
        req.on('error', reject);
        req.end();
      });
    assert.equal((await at('127.0.0.1:8081'))['cross-origin-opener-policy'], 'same-origin');
    assert.equal((await at('reports.example.com', 'https'))['cross-origin-opener-policy'], 'same-origin');
    const plain = await at('reports.example.com');
    assert.equal(plain['cross-origin-opener-policy'], undefined);
    assert.match(String(plain['content-security-policy']), /default-src 'none'/, 'the other security headers stay');
  });

  it('still refuses traversal after a prefix is taken off', async () => {
    for (const path of ['/reports/../secret', '/reports/%2e%2e/secret', '/reports//etc/passwd'])
      assert.equal((await get(path)).status, 404, path);
  });
});
