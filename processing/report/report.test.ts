import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { exampleReport } from './example.ts';
import { fit } from '../kinds/perf/flamegraph.ts';
import { escape, html } from './html.ts';
import { indexEntry, renderIndex, reportHref } from './index.ts';
import { renderReport } from './page.ts';

const hostile = '"><img src=x onerror=alert(1)><script>alert(1)</script>';

function inline(page: string, tag: 'script' | 'style'): string[] {
  return [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] as string);
}

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('renderReport', () => {
  it('escapes every string from artifacts: hostile names stay text', async () => {
    const page = renderReport(await exampleReport(hostile));
    assert.equal((page.match(/<script/g) ?? []).length, 1, "only the report's own script");
    assert.equal(page.includes('<img'), false);
    assert.equal(page.includes('onerror=alert(1)>'), false);
    assert.ok(page.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('carries a CSP that allows exactly its inline script and style by hash, and nothing from outside', async () => {
    const page = renderReport(await exampleReport());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1]?.replace(/&#39;/g, "'");
    assert.ok(csp);
    const scripts = inline(page, 'script');
    const styles = inline(page, 'style');
    assert.equal(scripts.length, 1);
    assert.equal(styles.length, 1);
    assert.equal(
      csp,
      `default-src 'none'; script-src ${hash(scripts[0] as string)}; style-src ${hash(styles[0] as string)}; img-src data:; base-uri 'none'; form-action 'none'`,
    );
    assert.equal(/\s(src|href)="(https?:)?\/\//.test(page), false, 'no external reference');
    assert.equal(/\sstyle="/.test(page), false, 'no style attributes (the CSP would block them)');
  });

  it('names the hot function in the flame graph and the top-functions table', async () => {
    const page = renderReport(await exampleReport());
    assert.match(page, /<title>hot_loop \(304 samples, 77\.55%\)<\/title>/);
    assert.match(page, />hot_loop<\/text>/);
    assert.match(page, /<td class="name">hot_loop<\/td><td class="num " data-v="75\.5/);
    assert.match(page, /id="flame-diff"/);
    assert.match(page, /Optimise hot_loop/);
  });

  it('says so when the analysis failed, and when there are no findings', async () => {
    const model = await exampleReport();
    const page = renderReport({
      ...model,
      findings: [],
      analysis: { status: 'Failed', error: 'ollama at http://x:11434 did not answer in 60s' },
    });
    assert.match(page, /analysis failed<\/span> ollama at http:\/\/x:11434 did not answer in 60s/);
    assert.match(page, /No findings/);
  });
});

describe('renderIndex', () => {
  it('lists runs newest first with relative, encoded links only', () => {
    const page = renderIndex([
      { path: 'default/old.html', powerTool: 'default/old', tool: 'perf', generatedAt: '2026-01-01T00:00:00Z', findings: 0 },
      {
        path: '../../etc/javascript:alert(1)/<x>.html',
        powerTool: hostile,
        tool: 'cpu',
        phase: 'Failed',
        generatedAt: '2026-02-01T00:00:00Z',
        findings: 3,
        critical: 1,
      },
    ]);
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(hrefs, ['etc/javascript%3Aalert(1)/%3Cx%3E.html', 'default/old.html']);
    assert.equal(page.includes('<img'), false);
    assert.equal((page.match(/<script/g) ?? []).length, 0);
    assert.match(page, /script-src &#39;none&#39;/);
  });

  it('derives the index row from a report model', async () => {
    assert.deepEqual(indexEntry(await exampleReport(), 'default/web-cpu.html'), {
      path: 'default/web-cpu.html',
      powerTool: 'default/web-cpu',
      tool: 'perf',
      phase: 'Succeeded',
      generatedAt: '2026-11-22T03:40:00Z',
      findings: 2,
      critical: 1,
      analysis: 'Succeeded',
    });
  });

  it('encodes path segments', () => {
    assert.equal(reportHref('/a b/./c?d#e.html'), 'a%20b/c%3Fd%23e.html');
  });
});

describe('html', () => {
  it('escapes interpolations, arrays included, and leaves composed markup alone', () => {
    assert.equal(html`<p title="${'"x"'}">${['<a>', html`<b>${'&'}</b>`]}</p>`.value, '<p title="&quot;x&quot;">&lt;a&gt;<b>&amp;</b></p>');
    assert.equal(escape(`'`), '&#39;');
  });

  it('fits labels to the frame width', () => {
    assert.equal(fit('hot_loop', 200), 'hot_loop');
    assert.equal(fit('a_very_long_function_name', 60), 'a_ver..');
    assert.equal(fit('x', 10), '');
  });
});
