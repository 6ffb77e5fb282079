/** The report's system-calls section: one syscall table per strace artifact, with the trace's process facts. */
import type { StraceTrace, SyscallRow } from './parse.ts';
import { count, percent, seconds } from '../../report/format.ts';
import { html, type Html } from '../../report/html.ts';
import { renderTable } from '../../report/table.ts';

export interface StraceView {
  name: string;
  rows: SyscallRow[];
  trace?: Pick<StraceTrace, 'pids' | 'signals' | 'exited' | 'killed' | 'unfinished' | 'garbageLines'>;
}

export function renderStrace(views: StraceView[] | undefined): Html {
  if (!views?.length) return html``;
  return html`<section id="syscalls"><h2>System calls</h2>${views.map((v) => {
    const t = v.trace;
    const facts = t
      ? html`<p class="muted">${count(t.pids)} processes; ${count(t.exited)} exited, ${count(t.killed)} killed${
          Object.keys(t.signals).length
            ? html`; signals ${Object.entries(t.signals)
                .map(([s, n]) => `${s}×${n}`)
                .join(', ')}`
            : ''
        }${t.unfinished ? html`; ${count(t.unfinished)} calls still blocked when the trace ended` : ''}${t.garbageLines ? html`; ${count(t.garbageLines)} unreadable lines skipped` : ''}.</p>`
      : '';
    return html`<h3>${v.name}</h3>${facts}${syscallTable(v.rows)}`;
  })}</section>`;
}

function syscallTable(rows: SyscallRow[]): Html {
  return renderTable(
    [
      { title: 'Syscall', cell: (r) => r.syscall, className: 'name' },
      { title: '% time', cell: (r) => percent(r.percentTime, 2), sort: (r) => r.percentTime },
      { title: 'Time', cell: (r) => seconds(r.seconds), sort: (r) => r.seconds },
      { title: 'Calls', cell: (r) => count(r.calls), sort: (r) => r.calls },
      { title: 'Errors', cell: (r) => count(r.errors), sort: (r) => r.errors },
      { title: 'µs/call', cell: (r) => count(r.usecsPerCall), sort: (r) => r.usecsPerCall },
    ],
    rows,
  );
}
