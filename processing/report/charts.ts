/**
 * Small charts as inline SVG: a time chart (lines over a shared time axis, with shaded windows and event marks)
 * and horizontal bars. No chart library: nothing to inline, nothing to load, and every label is escaped text.
 */
import type { Point } from '../series.ts';
import { clock } from './format.ts';
import { html, join, type Html } from './html.ts';

const W = 900;
const H = 190;
const PAD = { left: 70, right: 12, top: 12, bottom: 26 };

export interface TimeChart {
  title: string;
  format: (v: number) => string;
  series: { name: string; points: Point[]; className?: string }[];
  range: { start: number; end: number };
  bands?: { label: string; start: number; end: number; className: string }[];
  marks?: { t: number; label: string; severity: 'info' | 'warning' | 'critical' }[];
  /** A dashed reference line, e.g. the expected level during a fault. */
  reference?: { value: number; label: string };
}

export function renderTimeChart(c: TimeChart): Html {
  const span = Math.max(1, c.range.end - c.range.start);
  const values = c.series.flatMap((s) => s.points.map((p) => p.v)).concat(c.reference ? [c.reference.value] : []);
  const top = niceMax(Math.max(0, ...values));
  const x = (t: number): number => PAD.left + ((t - c.range.start) / span) * (W - PAD.left - PAD.right);
  const y = (v: number): number => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => c.range.start + f * span);
  // Under ten seconds whole-second labels would repeat; show tenths.
  const tick = (t: number): string => (span < 10_000 ? new Date(t).toISOString().slice(11, 21) : clock(t));
  const bands = (c.bands ?? []).map(
    (b) =>
      html`<rect class="band ${b.className}" x="${x(b.start).toFixed(1)}" y="${PAD.top}" width="${Math.max(1, x(b.end) - x(b.start)).toFixed(1)}" height="${H - PAD.top - PAD.bottom}"><title>${b.label}</title></rect>`,
  );
  const lines = c.series.map((s, i) => {
    const pts = s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    return html`<polyline class="line ${s.className ?? `s${i}`}" points="${pts}"><title>${s.name}</title></polyline>`;
  });
  const marks = (c.marks ?? []).map(
    (m) =>
      html`<line class="mark ${m.severity}" x1="${x(m.t).toFixed(1)}" x2="${x(m.t).toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}"><title>${clock(m.t)} ${m.label}</title></line>`,
  );
  const ref = c.reference
    ? html`<line class="reference" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(c.reference.value).toFixed(1)}" y2="${y(c.reference.value).toFixed(1)}"><title>${c.reference.label}</title></line>`
    : '';
  const legend =
    c.series.length > 1
      ? html`<p class="legend">${c.series.map((s, i) => html`<span class="key ${s.className ?? `s${i}`}">${s.name}</span> `)}</p>`
      : '';
  return html`<figure class="chart"><figcaption>${c.title}</figcaption><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${c.title}">
<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}"></line>
<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}"></line>
<text class="tick" x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${c.format(top)}</text>
<text class="tick" x="${PAD.left - 6}" y="${(PAD.top + H - PAD.bottom) / 2 + 4}" text-anchor="end">${c.format(top / 2)}</text>
<text class="tick" x="${PAD.left - 6}" y="${H - PAD.bottom}" text-anchor="end">${c.format(0)}</text>
${join(ticks.map((t, i) => html`<text class="tick" x="${x(t).toFixed(1)}" y="${H - 8}" text-anchor="${i === 0 ? 'start' : i === 4 ? 'end' : 'middle'}">${tick(t)}</text>`))}
${join(bands)}${ref}${join(lines)}${join(marks)}
</svg>${legend}</figure>`;
}

/** 1, 2 or 5 times a power of ten, at or above `v`, so the axis reads in round numbers. */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export interface Bar {
  label: string;
  value: number;
  text: string;
}

export function renderBars(title: string, bars: Bar[]): Html {
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const rowH = 22;
  const labelW = 330;
  const height = bars.length * rowH + 4;
  const rows = bars.map(
    (b, i) =>
      html`<g><text class="bar-label" x="${labelW - 8}" y="${i * rowH + 15}" text-anchor="end">${b.label.length > 46 ? `${b.label.slice(0, 45)}…` : b.label}</text><rect class="bar" x="${labelW}" y="${i * rowH + 3}" width="${Math.max(1, (b.value / max) * (W - labelW - 140)).toFixed(1)}" height="${rowH - 6}"><title>${b.label}: ${b.text}</title></rect><text class="bar-value" x="${(labelW + (b.value / max) * (W - labelW - 140) + 6).toFixed(1)}" y="${i * rowH + 15}">${b.text}</text></g>`,
  );
  return html`<figure class="chart"><figcaption>${title}</figcaption><svg viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${title}">${join(rows)}</svg></figure>`;
}
