/** The report's network section: per capture, packets and bytes over time, protocols, top talkers, ports. */
import { renderBars, renderTimeChart } from '../../report/charts.ts';
import { bytes, count, time } from '../../report/format.ts';
import { html, type Html } from '../../report/html.ts';
import { renderTable } from '../../report/table.ts';
import type { TrafficSummary } from './parse.ts';

export function renderTraffic(captures: { name: string; summary: TrafficSummary }[] | undefined): Html {
  if (!captures?.length) return html``;
  return html`<section id="traffic"><h2>Network traffic</h2>${captures.map(({ name, summary: s }) => {
    const width = s.bucketSeconds;
    const range = { start: (s.series[0]?.t ?? 0) * 1000, end: ((s.series[s.series.length - 1]?.t ?? 0) + width) * 1000 };
    const per = (pick: (b: TrafficSummary['series'][number]) => number): { t: number; v: number }[] =>
      s.series.map((b) => ({ t: b.t * 1000, v: pick(b) / width }));
    const notes = [
      s.truncated ? 'the capture was cut off inside a packet; that packet is left out' : '',
      s.corruptAt !== undefined ? `the capture is corrupt at byte ${s.corruptAt}; reading stopped there` : '',
    ].filter(Boolean);
    return html`<h3>${name}</h3>
<div class="cards"><div class="card">Packets<b>${count(s.packets)}</b></div><div class="card">Bytes on the wire<b>${bytes(s.bytes)}</b></div><div class="card">From<b>${time(s.firstTime === undefined ? undefined : s.firstTime * 1000)}</b></div><div class="card">Link<b>${s.linkType}</b></div><div class="card">TCP connection attempts / resets<b>${count(s.tcpSyns)} / ${count(s.tcpResets)}</b></div></div>
${notes.length ? html`<p class="note">${notes.join('; ')}.</p>` : ''}
${s.series.length ? renderTimeChart({ title: 'Bytes per second', format: bytes, series: [{ name: 'bytes', points: per((b) => b.bytes) }], range }) : ''}
${s.series.length ? renderTimeChart({ title: 'Packets per second', format: count, series: [{ name: 'packets', points: per((b) => b.packets), className: 's1' }], range }) : ''}
${
  s.protocols.length
    ? renderBars(
        'Protocols by bytes',
        s.protocols.map((p) => ({ label: p.key, value: p.bytes, text: `${bytes(p.bytes)}, ${count(p.packets)} packets` })),
      )
    : ''
}
${
  s.talkers.length
    ? html`<h3>Top talkers</h3>${renderTable(
        [
          { title: 'Source', cell: (t) => t.src, className: 'name' },
          { title: 'Destination', cell: (t) => t.dst, className: 'name' },
          { title: 'Bytes', cell: (t) => bytes(t.bytes), sort: (t) => t.bytes },
          { title: 'Packets', cell: (t) => count(t.packets), sort: (t) => t.packets },
        ],
        s.talkers,
      )}`
    : ''
}
${
  s.ports.length
    ? renderBars(
        'Destination ports by bytes',
        s.ports.slice(0, 10).map((p) => ({ label: p.key, value: p.bytes, text: bytes(p.bytes) })),
      )
    : ''
}`;
  })}</section>`;
}
