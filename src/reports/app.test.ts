import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createReportsApp } from './app.ts';
import { safeSegments } from './resolve.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends the path exactly as given: fetch() would normalise `..` and hide what the server does with it. */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('reports server', () => {
  const base = mkdtempSync(join(tmpdir(), 'toe-reports-'));
  const dir = join(base, 'reports');
  const report = `<!doctype html><title>r1</title>${'<p>hot_loop</p>'.repeat(200)}`;
  let server: Server;
  let port: number;

  before(async () => {
    mkdirSync(join(dir, 'default'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(base, 'secret.txt'), 'TOP-SECRET');
    writeFileSync(join(base, 'outside', 'secret.html'), 'TOP-SECRET');
    writeFileSync(join(dir, 'default', 'r1.html'), report);
    writeFileSync(
      join(dir, 'default', 'r1.json'),
      JSON.stringify({
        powerTool: 'default/web-cpu',
        tool: 'perf',
        phase: 'Succeeded',
        generatedAt: '2026-11-22T03:40:00Z',
        findings: 2,
        critical: 1,
      }),
    );
    writeFileSync(join(dir, 'default', 'r1.targets.csv'), 'powerTool,pod\r\n');
    writeFileSync(join(dir, 'default', 'r1.junit.xml'), '<testsuites/>');
    writeFileSync(join(dir, '.hidden.html'), 'hidden');
    writeFileSync(join(dir, 'notes.exe'), 'binary');
    symlinkSync(join(base, 'secret.txt'), join(dir, 'link-out.txt'));
    symlinkSync(join(base, 'outside'), join(dir, 'dirlink'));
    symlinkSync(join(dir, 'default', 'r1.html'), join(dir, 'latest.html'));
    const app = await createReportsApp({ dir });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });

  after(() => {
    server.close();
    rmSync(base, { recursive: true, force: true });
  });

  it("serves a report's CSV and JUnit files with their types (nosniff: the browser does not guess)", async () => {
    const csv = await get(port, '/default/r1.targets.csv');
    assert.equal(csv.status, 200);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8; header=present');
    const xml = await get(port, '/default/r1.junit.xml');
    assert.equal(xml.headers['content-type'], 'application/xml; charset=utf-8');
    assert.equal(xml.body.toString(), '<testsuites/>');
  });

  it('serves a report with validators, cache and security headers', async () => {
    const r = await get(port, '/default/r1.html');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), report);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(r.headers.etag), /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.ok(r.headers['last-modified']);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.match(String(r.headers['content-security-policy']), /default-src 'none'.*frame-ancestors 'none'/);
    assert.equal(r.headers['x-powered-by'], undefined);
    const again = await get(port, '/default/r1.html', { 'If-None-Match': String(r.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const since = await get(port, '/default/r1.html', { 'If-Modified-Since': String(r.headers['last-modified']) });
    assert.equal(since.status, 304);
  });

  it('compresses when the client accepts it', async () => {
    const r = await get(port, '/default/r1.html', { 'Accept-Encoding': 'gzip' });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.ok(r.body.length < report.length / 4);
    assert.equal(gunzipSync(r.body).toString(), report);
  });

  it('lists the runs at / using the metadata beside each report', async () => {
    const r = await get(port, '/');
    assert.equal(r.status, 200);
    const page = r.body.toString();
    assert.match(page, /href="default\/r1\.html"/);
    assert.match(page, /default\/web-cpu/);
    assert.match(page, /1 critical/);
    assert.doesNotMatch(page, /latest\.html/, 'symlinks are served when they stay inside, but not listed');
    assert.doesNotMatch(page, /\.hidden\.html|dirlink/);
  });

  it('answers HEAD without a body and refuses every other method', async () => {
    const head = await get(port, '/default/r1.html', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers['content-length'], String(report.length));
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await get(port, '/default/r1.html', {}, method);
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD');
    }
  });

  it('follows a symlink that stays inside the directory', async () => {
    const r = await get(port, '/latest.html');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), report);
  });

  it('refuses traversal, encoded traversal, absolute paths, NUL, hidden files and symlinks leaving the directory', async () => {
    const attempts = [
      '/../secret.txt',
      '/default/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/default/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/default/..%5c..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      `/${encodeURIComponent(join(base, 'secret.txt'))}`,
      'http://127.0.0.1/../secret.txt',
      '/default/r1.html%00.txt',
      '/default/r1.html\u0000',
      '/link-out.txt',
      '/dirlink/secret.html',
      '/.hidden.html',
      '/notes.exe',
      '/default/',
      '/%ZZ',
      '/nope.html',
    ];
    for (const path of attempts) {
      const r = await get(port, path).catch(() => undefined);
      if (!r) continue; // the HTTP parser itself refused the request line
      assert.ok(r.status === 404 || r.status === 400, `${path} → ${r.status}`);
      assert.doesNotMatch(r.body.toString(), /TOP-SECRET|root:/, path);
      assert.doesNotMatch(r.body.toString(), new RegExp(base.replace(/[/.]/g, '\\$&')), `${path} leaks a path`);
    }
  });
});

describe('safeSegments', () => {
  it('decodes each segment once and refuses anything that could climb or hide', () => {
    assert.deepEqual(safeSegments('/a/b%20c.html?x=1'), ['a', 'b c.html']);
    assert.deepEqual(safeSegments('/'), []);
    assert.deepEqual(safeSegments('/a/'), ['a']);
    assert.deepEqual(safeSegments('/%252e%252e'), ['%2e%2e']);
    for (const bad of ['/..', '/a/../b', '/%2e%2e', '/a%2fb', '/a%5cb', '//a', '/a//b', '/.git', '/a%00', 'a', '/%E0%A4%A'])
      assert.equal(safeSegments(bad), undefined, bad);
  });
});
