/**
 * The report in a real browser: Debian's headless Chromium (test/host-packages.txt) driven by playwright-core,
 * the page served by `toe reports` as a user would run it. No console errors, no CSP violations, no request but
 * the page itself, and the profiled program's hot function readable in the flame graph. The screenshot is kept
 * in .artifacts/ for people to look at.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { exampleReport } from './example.ts';
import { renderReport } from './page.ts';

const CHROMIUM = '/usr/bin/chromium';
const repo = new URL('../../', import.meta.url).pathname;
const artifacts = join(repo, '.artifacts');

function startServer(dir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repo, 'src/cli/main.ts'), 'reports', '--dir', dir, '--listen', '127.0.0.1:0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`toe reports did not print its URL in 20s: ${err}`)), 20_000);
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string });
      }
    });
    child.on('exit', (code) => reject(new Error(`toe reports exited with ${code}: ${err}`)));
  });
}

describe('report in headless Chromium', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'toe-browser-'));
  let server: { child: ChildProcess; url: string };
  let context: BrowserContext;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y $(cat test/host-packages.txt)`);
    mkdirSync(join(dir, 'reports', 'default'), { recursive: true });
    const report = join(dir, 'reports', 'default', 'web-cpu.html');
    writeFileSync(report, renderReport(await exampleReport('<img src=x onerror=alert(1)>')));
    // With no metadata beside it, the index dates a report by its mtime: fixed, so the link's text is known.
    utimesSync(report, new Date('2026-11-22T10:00:00Z'), new Date('2026-11-22T10:00:00Z'));
    server = await startServer(join(dir, 'reports'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1440, height: 900 },
    });
  });

  after(async () => {
    await context?.close();
    server?.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string): Promise<{ page: Page; problems: string[]; requests: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    await page.addInitScript(
      'window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));',
    );
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const response = await page.goto(server.url + path, { waitUntil: 'load' });
    assert.equal(response?.status(), 200);
    problems.push(...((await page.evaluate('window.__csp')) as string[]).map((v) => `csp: ${v}`));
    return { page, problems, requests };
  }

  it('renders a perf report with no errors, no CSP violation, no other request, and the hot function visible', async () => {
    const { page, problems, requests } = await open('default/web-cpu.html');
    const hot = page.locator('#flame-main svg text', { hasText: 'hot_loop' }).first();
    assert.equal(await hot.isVisible(), true);
    assert.equal((await page.locator('#flame-main g.f title', { hasText: 'hot_loop' }).count()) > 0, true);
    assert.equal(await page.locator('img').count(), 0, 'the hostile <img> stayed text');

    // The script runs: zoom into the hot frame and search; neither may raise an error.
    await page
      .locator('#flame-main g.f', { has: page.locator('title', { hasText: /^hot_loop / }) })
      .first()
      .click();
    assert.equal((await page.locator('#flame-main g.f.hidden').count()) > 0, true, 'zooming hides frames outside hot_loop');
    await page.locator('#flame-main .flame-search').fill('warm_path');
    assert.match((await page.locator('#flame-main .flame-match').textContent()) ?? '', /^matched \d/);
    await page.locator('#flame-main .flame-reset').click();

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'report-perf.png'), fullPage: true });
    problems.push(...((await page.evaluate('window.__csp')) as string[]).map((v) => `csp: ${v}`));
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [`${server.url}default/web-cpu.html`]);
    await page.close();
  });

  it('serves the index of runs with a working link', async () => {
    const { page, problems, requests } = await open('');
    await page.locator('a', { hasText: '2026-11-22' }).first().click();
    await page.waitForURL(/web-cpu\.html$/);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [server.url, `${server.url}default/web-cpu.html`]);
    await page.close();
  });
});
