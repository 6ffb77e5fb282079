/** Fault timelines: the target's series on one time axis with the fault window, profiler runs and pod events. */
import type { EffectMeasure, Metric, Timeline } from './parse.ts';
import { renderTimeChart } from '../../report/charts.ts';
import { bytes, clock, count, millicores, percent, seconds } from '../../report/format.ts';
import { html, type Html } from '../../report/html.ts';
import { renderTable } from '../../report/table.ts';

const META: Record<Metric | 'profilerSamples', { title: string; format: (v: number) => string }> = {
  cpuMillicores: { title: 'CPU', format: millicores },
  memoryBytes: { title: 'Memory', format: bytes },
  volumeUsedBytes: { title: 'Volume used', format: bytes },
  profilerSamples: { title: 'Profiler samples per second', format: count },
};

export function renderTimelines(timelines: Timeline[] | undefined): Html {
  if (!timelines?.length) return html``;
  return html`<section id="timeline"><h2>Fault timeline</h2>${timelines.map(renderOne)}</section>`;
}

function renderOne(t: Timeline): Html {
  const bands = t.overlays.map((o, i) => ({ label: o.label, start: o.start, end: o.end, className: i === 0 ? 'fault' : 'profile' }));
  const marks = t.events
    .filter((e) => !['FaultStarted', 'FaultEnded', 'ProfilerStarted', 'ProfilerEnded'].includes(e.kind))
    .map((e) => ({ t: e.t, label: `${e.kind}${e.pod ? ` ${e.pod}` : ''}${e.detail ? `: ${e.detail}` : ''}`, severity: e.severity }));
  const charts = (Object.keys(META) as (keyof typeof META)[])
    .filter((k) => t.series[k]?.length)
    .map((k) => {
      const effect = t.effects.find((e) => e.metric === k);
      const reference =
        effect?.expected !== undefined ? { value: effect.expected, label: `expected ${META[k].format(effect.expected)}` } : undefined;
      return renderTimeChart({
        title: META[k].title,
        format: META[k].format,
        series: [{ name: META[k].title, points: t.series[k] ?? [], className: k === 'profilerSamples' ? 's3' : 's0' }],
        range: t.range,
        bands,
        marks,
        ...(reference ? { reference } : {}),
      });
    });
  const notes = [
    t.invalidLines ? `${count(t.invalidLines)} unreadable sample lines skipped` : '',
    t.outOfOrder ? `${count(t.outOfOrder)} samples out of time order skipped` : '',
  ].filter(Boolean);
  return html`<h3>${t.tool}${t.pod ? html` on ${t.pod}` : ''}: ${clock(t.window.start)}–${clock(t.window.end)} UTC (${seconds((t.window.end - t.window.start) / 1000)})</h3>
${effectTable(t.effects)}
${notes.length ? html`<p class="note">${notes.join('; ')}.</p>` : ''}
${charts.length ? charts : html`<p class="muted">No samples were recorded for this run.</p>`}
${
  t.events.length
    ? html`<h3>Events</h3>${renderTable(
        [
          { title: 'Time (UTC)', cell: (e) => clock(e.t), sort: (e) => e.t },
          { title: 'Event', cell: (e) => e.kind },
          { title: 'Pod', cell: (e) => e.pod ?? '' },
          { title: 'Detail', cell: (e) => e.detail ?? '', className: 'name' },
        ],
        t.events,
      )}`
    : ''
}
${t.reportedEffect ? html`<p class="muted">Effect reported by the tool: <code>${JSON.stringify(t.reportedEffect).slice(0, 600)}</code></p>` : ''}`;
}

function effectTable(effects: EffectMeasure[]): Html {
  if (!effects.length) return html``;
  const f = (e: EffectMeasure, v: number | undefined): string => (v === undefined ? '—' : META[e.metric].format(v));
  return renderTable(
    [
      { title: 'Measure', cell: (e) => META[e.metric].title },
      { title: 'Before', cell: (e) => f(e, e.baseline), sort: (e) => e.baseline ?? 0 },
      { title: 'Requested', cell: (e) => (e.requested === undefined ? '—' : `+${f(e, e.requested)}`), sort: (e) => e.requested ?? 0 },
      { title: 'Expected', cell: (e) => f(e, e.expected), sort: (e) => e.expected ?? 0 },
      { title: 'Measured (mean)', cell: (e) => f(e, e.during), sort: (e) => e.during ?? 0 },
      { title: 'Peak', cell: (e) => f(e, e.peak), sort: (e) => e.peak ?? 0 },
      { title: 'Achieved', cell: (e) => (e.achieved === undefined ? '—' : percent(100 * e.achieved, 0)), sort: (e) => e.achieved ?? 0 },
      {
        title: 'Recovered',
        cell: (e) => (!e.recovery ? '—' : e.recovery.recovered ? `after ${seconds(e.recovery.seconds ?? 0)}` : 'not within the samples'),
        sort: (e) => e.recovery?.seconds ?? Number.MAX_SAFE_INTEGER,
      },
    ],
    effects,
  );
}
