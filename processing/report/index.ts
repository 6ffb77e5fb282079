/** The index page of runs: newest first, one row per report, links relative to the reports directory. */
import { count, time } from './format.ts';
import { html } from './html.ts';
import type { ReportModel } from './model.ts';
import { page } from './page.ts';
import { renderTable } from './table.ts';

export interface IndexEntry {
  /** The report file's path relative to the index, e.g. `default/web-cpu/3f2a.html`. */
  path: string;
  powerTool: string;
  tool: string;
  phase?: string;
  generatedAt: string;
  findings: number;
  critical?: number;
  analysis?: 'None' | 'Succeeded' | 'Failed';
}

/**
 * The index row of a report, to be written as JSON beside it (`<report>.json` next to `<report>.html`): the
 * report server's generated index reads it from there.
 */
export function indexEntry(model: ReportModel, path: string): IndexEntry {
  const findings = model.findings ?? [];
  const critical = findings.filter((f) => f.severity === 'critical').length;
  return {
    path,
    powerTool: `${model.run.namespace}/${model.run.name}`,
    tool: model.run.tool,
    ...(model.run.phase ? { phase: model.run.phase } : {}),
    generatedAt: model.generatedAt,
    findings: findings.length,
    ...(critical ? { critical } : {}),
    analysis: model.analysis?.status ?? 'None',
  };
}

/** Each segment percent-encoded: the link can only ever be a relative path, never a scheme or a parent. */
export function reportHref(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .map(encodeURIComponent)
    .join('/');
}

export function renderIndex(entries: IndexEntry[], title = 'TOE reports'): string {
  const rows = [...entries].sort((a, b) => Date.parse(b.generatedAt) - Date.parse(a.generatedAt) || (a.path < b.path ? -1 : 1));
  const table = rows.length
    ? renderTable(
        [
          {
            title: 'Generated (UTC)',
            cell: (e) => html`<a href="${reportHref(e.path)}">${time(e.generatedAt)}</a>`,
            sort: (e) => Date.parse(e.generatedAt) || 0,
          },
          { title: 'PowerTool', cell: (e) => e.powerTool, className: 'name' },
          { title: 'Tool', cell: (e) => e.tool },
          { title: 'Phase', cell: (e) => (e.phase ? html`<span class="phase ${e.phase}">${e.phase}</span>` : '—') },
          {
            title: 'Findings',
            cell: (e) =>
              e.critical ? html`${count(e.findings)} <span class="sev critical">${count(e.critical)} critical</span>` : count(e.findings),
            sort: (e) => e.findings,
          },
          { title: 'Analysis', cell: (e) => e.analysis ?? 'None' },
        ],
        rows,
      )
    : html`<p class="muted">No reports yet. Reports appear here when a PowerToolProcessing has processed a finished PowerTool.</p>`;
  return page(
    title,
    html`<header class="run"><h1>${title}</h1><p class="muted">${count(rows.length)} reports, newest first.</p></header>${table}`,
    false,
  );
}
