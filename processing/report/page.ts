/**
 * The self-contained report page: one HTML file, inline CSS and script, no external request. A strict CSP in a
 * meta tag allows exactly the inline script and style it carries (by SHA-256 hash) and data: images, nothing else,
 * so even a string that escaped escaping could not run or phone home.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { html, join, raw, type Html } from './html.ts';
import { reportedKinds } from '../kinds/index.ts';
import type { ReportModel } from './model.ts';
import { renderDownloads, renderTargets, renderVerdicts } from './outcome.ts';
import { RESULT_FILES } from './results/files.ts';
import { renderAnalysis, renderFindings, renderHeader } from './sections.ts';

const style = readFileSync(new URL('./style.css', import.meta.url), 'utf8');
const script = readFileSync(new URL('./client.js', import.meta.url), 'utf8');

export function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function contentSecurityPolicy(scripts: string[], styles: string[]): string {
  const scriptSrc = scripts.length ? scripts.map(sha256).join(' ') : "'none'";
  return `default-src 'none'; script-src ${scriptSrc}; style-src ${styles.map(sha256).join(' ')}; img-src data:; base-uri 'none'; form-action 'none'`;
}

/** A complete page around `body`; `withScript` false for pages that need no interactivity (the index). */
export function page(title: string, body: Html, withScript = true): string {
  const csp = contentSecurityPolicy(withScript ? [script] : [], [style]);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${raw(style)}</style>
</head><body><main>
${body}
</main>${withScript ? html`<script>${raw(script)}</script>` : ''}</body></html>
`.value;
}

export function renderReport(model: ReportModel): string {
  const r = model.run;
  const sections = reportedKinds().map((k) => ({
    toc: k.report.toc,
    data: (model as unknown as Record<string, unknown>)[k.report.field],
    kind: k,
  }));
  const several = new Set((model.targets ?? []).map((t) => t.powerTool)).size > 1;
  const toc = [
    model.steadyState?.length ? ['steady-state', 'Steady state'] : undefined,
    ['findings', 'Findings'],
    model.analysis && model.analysis.status !== 'None' ? ['analysis', 'Analysis'] : undefined,
    ...sections.map((s) => (shown(s.data) ? [s.toc.id, s.toc.label] : undefined)),
    model.targets?.length ? ['targets', 'Targets'] : undefined,
  ].filter((x): x is string[] => x !== undefined);
  const body = html`${renderHeader(r, model.generatedAt)}
<nav class="toc">${toc.map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav>
${model.notes?.length ? html`<ul class="note">${model.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${renderVerdicts(model.steadyState, several)}
${renderFindings(model.findings, model.evidence)}
${renderAnalysis(model.analysis)}
${join(sections.map((s, i) => html`${i > 0 ? '\n' : ''}${s.kind.report.render(s.data)}`))}
${renderTargets(model.targets, several)}
${renderDownloads(model.id, RESULT_FILES)}
<footer>TOE report <code>${model.id}</code>. This file is self-contained: it loads nothing and sends nothing.</footer>`;
  return page(`${r.tool} ${r.namespace}/${r.name} — TOE report`, body);
}

/** A section is in the table of contents when it has something: a list with items, or an object. */
function shown(data: unknown): boolean {
  return Array.isArray(data) ? data.length > 0 : data !== undefined && data !== null;
}
