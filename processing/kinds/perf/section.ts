/** The profile: flame graphs (merged, per target, differential) and the top-functions table. */
import type { FunctionDelta, FunctionRow } from './flame.ts';
import { renderFlameGraph } from './flamegraph.ts';
import { count, percent } from '../../report/format.ts';
import { html, type Html } from '../../report/html.ts';
import type { PerfReport, PerfView } from './assemble.ts';
import { renderTable } from '../../report/table.ts';

export function renderPerf(perf: PerfReport | undefined): Html {
  if (!perf) return html``;
  const main = perf.merged ?? perf.targets[0];
  const others = perf.merged ? perf.targets : perf.targets.slice(1);
  return html`<section id="profile"><h2>CPU profile</h2>
${main ? view(main, 'flame-main', true) : html`<p class="muted">No samples.</p>`}
${others.map((t, i) => html`<details><summary>Target ${t.name} (${count(t.samples)} samples)</summary>${view(t, `flame-t${i}`, false)}</details>`)}
${perf.diff ? html`<h3>Compared with ${perf.diff.baseline}</h3><p class="muted">Widths are this run; red frames take a larger share than in the baseline, blue a smaller one.</p>${renderFlameGraph(perf.diff.flame, { id: 'flame-diff', differential: true, title: 'Differential flame graph' })}${deltaTable(perf.diff.top)}` : ''}
</section>`;
}

function view(v: PerfView, id: string, open: boolean): Html {
  const s = v.stats;
  const notes = [
    s?.droppedPartialSample ? 'the artifact was cut off: its last, incomplete sample was left out' : '',
    s?.garbageLines ? `${count(s.garbageLines)} unreadable lines skipped` : '',
    s?.truncatedStacks ? `${count(s.truncatedStacks)} stacks deeper than the limit were cut at the root` : '',
    s?.otherStacks ? `${count(s.otherStacks)} samples past the distinct-stack limit are counted as [other]` : '',
  ].filter(Boolean);
  return html`${open ? html`<h3>${v.name}: ${count(v.samples)} samples</h3>` : ''}
${notes.length ? html`<p class="note">${notes.join('; ')}.</p>` : ''}
${renderFlameGraph(v.flame, { id, title: `Flame graph of ${v.name}` })}
<h3>Top functions${open ? '' : html` in ${v.name}`}</h3>${topTable(v.top)}`;
}

function topTable(rows: FunctionRow[]): Html {
  return renderTable(
    [
      { title: 'Function', cell: (r) => r.name, className: 'name' },
      { title: 'Self', cell: (r) => percent(r.selfPercent), sort: (r) => r.selfPercent },
      { title: 'Total', cell: (r) => percent(r.totalPercent), sort: (r) => r.totalPercent },
      { title: 'Self samples', cell: (r) => count(r.self), sort: (r) => r.self },
      { title: 'Total samples', cell: (r) => count(r.total), sort: (r) => r.total },
    ],
    rows,
  );
}

function deltaTable(rows: FunctionDelta[]): Html {
  return renderTable(
    [
      { title: 'Function', cell: (r) => r.name, className: 'name' },
      { title: 'Self now', cell: (r) => percent(r.selfPercent), sort: (r) => r.selfPercent },
      { title: 'Self before', cell: (r) => percent(r.baselineSelfPercent), sort: (r) => r.baselineSelfPercent },
      {
        title: 'Change (pts)',
        cell: (r) => `${r.deltaSelfPercent >= 0 ? '+' : ''}${r.deltaSelfPercent.toFixed(1)}`,
        sort: (r) => r.deltaSelfPercent,
      },
    ],
    rows,
  );
}
