/**
 * What happened to the run, first on the page: the steady-state verdict as a banner (the question a chaos run
 * exists to answer), the probes' values, and one row per target. Also the links to the same facts as JSON, CSV and
 * JUnit files written beside the page.
 */
import { bytes, time } from './format.ts';
import { html, type Html } from './html.ts';
import type { SteadyStateView, TargetRow } from './model.ts';
import { renderTable } from './table.ts';

const VERDICT_TEXT: Record<string, string> = {
  Held: 'Steady state held',
  Breached: 'Steady state breached: the run was aborted',
  NotRecovered: 'Steady state not recovered after the run',
  NotHeldBeforeStart: 'Steady state did not hold before the start: nothing ran',
  Checking: 'Steady state still being checked',
};

const verdictClass = (v: SteadyStateView): string => (v.held === 'True' ? 'held' : v.held === 'False' ? 'broken' : 'checking');

export function renderVerdicts(views: SteadyStateView[] | undefined, several: boolean): Html {
  if (!views?.length) return html``;
  return html`<section id="steady-state"><h2>Steady state</h2>${views.map(
    (
      v,
    ) => html`<div class="verdict ${verdictClass(v)}"><strong>${VERDICT_TEXT[v.verdict] ?? v.verdict}</strong>${several ? html` <span class="muted">${v.powerTool}</span>` : ''}${v.message ? html`<p>${v.message}</p>` : ''}</div>
${renderTable(
  [
    { title: 'Probe', cell: (p) => p.name, className: 'name' },
    { title: 'Kind', cell: (p) => p.kind },
    { title: 'Checks', cell: (p) => String(p.checks), sort: (p) => p.checks },
    { title: 'Failed', cell: (p) => String(p.failures), sort: (p) => p.failures },
    {
      title: 'Last',
      cell: (p) => (p.lastResult ? html`${p.lastResult}${p.lastValue ? html` <span class="muted">${p.lastValue}</span>` : ''}` : '—'),
    },
    { title: 'First breach (UTC)', cell: (p) => time(p.firstBreachAt) },
    { title: 'Aborted (UTC)', cell: (p) => time(p.breachedAt) },
    {
      title: 'Recovered after',
      cell: (p) => (p.recoverySeconds !== undefined ? `${p.recoverySeconds}s` : '—'),
      sort: (p) => p.recoverySeconds ?? -1,
    },
  ],
  v.probes,
)}`,
  )}</section>`;
}

export function renderTargets(rows: TargetRow[] | undefined, several: boolean): Html {
  if (!rows?.length) return html``;
  return html`<section id="targets"><h2>Targets</h2>${renderTable(
    [
      ...(several ? [{ title: 'PowerTool', cell: (t: TargetRow) => t.powerTool, className: 'name' }] : []),
      { title: 'Pod', cell: (t) => t.pod, className: 'name' },
      { title: 'Container', cell: (t) => t.container },
      {
        title: 'Phase',
        cell: (t) =>
          html`<span class="phase ${t.phase}">${t.phase}</span>${t.partial ? html` <span class="sev warning">partial</span>` : ''}`,
      },
      { title: 'Stopped because', cell: (t) => t.stopReason ?? '—' },
      { title: 'Started (UTC)', cell: (t) => time(t.startedAt) },
      { title: 'Finished (UTC)', cell: (t) => time(t.finishedAt) },
      { title: 'Exit', cell: (t) => (t.exitCode !== undefined ? String(t.exitCode) : '—'), sort: (t) => t.exitCode ?? -1 },
      { title: 'Collected', cell: (t) => `${t.artifacts} file(s), ${bytes(t.bytes)}`, sort: (t) => t.bytes },
      { title: 'Message', cell: (t) => t.message ?? '' },
    ],
    rows,
  )}</section>`;
}

/** Links to the machine-readable files beside the page (relative: they sit in the same folder). */
export function renderDownloads(id: string, files: readonly { suffix: string; label: string }[]): Html {
  return html`<p class="downloads muted">The same results as ${files.map((f, i) => html`${i > 0 ? (i === files.length - 1 ? ' and ' : ', ') : ''}<a href="${encodeURIComponent(id)}${f.suffix}">${f.label}</a>`)}.</p>`;
}
