/** RCA evidence from strace: the syscalls that failed most, with their most frequent errno. */
import type { Evidence } from '../../rca/types.ts';
import { asArray, asNumber, asRecord, asString, at, idPart, percent } from '../../rca/loose.ts';

export const TOP_SYSCALLS = 20;
/** Processor output is bounded already; this caps a hostile list before sorting it. */
const MAX_ROWS = 100_000;

function topErrno(errnos: unknown): string | undefined {
  let best: [string, number] | undefined;
  for (const [name, n] of Object.entries(asRecord(errnos))) {
    const count = asNumber(n);
    if (count !== undefined && (!best || count > best[1])) best = [name.slice(0, 32), count];
  }
  return best?.[0];
}

export function straceEvidence(rows: unknown): Evidence[] {
  const parsed = asArray(rows, MAX_ROWS)
    .map((r) => ({
      syscall: asString(at(r, 'syscall'), 64),
      calls: asNumber(at(r, 'calls')) ?? 0,
      errors: asNumber(at(r, 'errors')) ?? 0,
      seconds: asNumber(at(r, 'seconds')),
      errno: topErrno(at(r, 'errnos')),
    }))
    .filter((r): r is typeof r & { syscall: string } => r.syscall !== undefined && r.syscall !== 'total');
  return parsed
    .filter((r) => r.errors > 0)
    .sort((a, b) => b.errors - a.errors || a.syscall.localeCompare(b.syscall))
    .slice(0, TOP_SYSCALLS)
    .map((r) => ({
      id: `ev-syscall-${idPart(r.syscall)}`,
      kind: 'syscall-errors',
      source: 'strace',
      summary: `strace: ${r.syscall} failed ${r.errors} of ${r.calls} calls (${percent(r.errors, r.calls)}%)${r.errno ? `, mostly ${r.errno}` : ''}`,
      subject: {},
      data: {
        syscall: r.syscall,
        calls: r.calls,
        errors: r.errors,
        errorPct: percent(r.errors, r.calls),
        seconds: r.seconds ?? null,
        topErrno: r.errno ?? null,
      },
    }));
}
