/**
 * strace: `strace.summary` (`strace -c -f`) and `strace.trace` (`strace -f -tt -T`) as syscall tables, the trace
 * with its processes, signals and errnos; the report's system-calls section; the failing syscalls as RCA evidence.
 */
import { defineKind } from '../kind.ts';
import { straceEvidence } from './evidence.ts';
import { parseStraceSummary, parseStraceTrace } from './parse.ts';
import { renderStrace, type StraceView } from './section.ts';

export type StraceItem = StraceView & { pod: string; errnos?: Record<string, Record<string, number>> };

export const strace = defineKind({
  name: 'strace',
  artifacts: ['strace.summary', 'strace.trace'],
  parse: async (src, a): Promise<StraceItem> => {
    if (a.name === 'strace.summary') return { pod: a.pod, name: `${a.pod} (strace -c)`, rows: (await parseStraceSummary(src)).rows };
    const trace = await parseStraceTrace(src);
    const errnos = Object.fromEntries(trace.syscalls.map((s) => [s.syscall, s.errnos]));
    return { pod: a.pod, name: `${a.pod} (strace trace)`, rows: trace.rows, trace, errnos };
  },
  rca: {
    key: 'strace',
    summarise: (items) => ({
      rows: items.flatMap((s) =>
        s.rows.map((r) => ({
          syscall: r.syscall,
          calls: r.calls,
          errors: r.errors,
          seconds: r.seconds,
          ...(s.errnos?.[r.syscall] ? { errnos: s.errnos[r.syscall] } : {}),
        })),
      ),
    }),
    evidence: (slice) => straceEvidence((slice as { rows?: unknown } | null | undefined)?.rows),
  },
  report: {
    field: 'strace',
    order: 30,
    toc: { id: 'syscalls', label: 'System calls' },
    assemble: (parts, ctx) => {
      const views = parts.flatMap((part) =>
        part.items.map(({ pod: _pod, errnos: _errnos, ...view }): StraceView => ({
          ...view,
          name: ctx.several ? `${part.run.pt.metadata.name}: ${view.name}` : view.name,
        })),
      );
      return views.length > 0 ? views : undefined;
    },
    render: renderStrace,
  },
});
