/**
 * strace artifacts → syscall tables. Two inputs: the `strace -c -f` summary table, and a `-f -tt -T` trace, which
 * is aggregated per syscall as it streams (counts, time from `<secs>`, errors by errno). Either yields the same
 * `SyscallRow` shape, so a report shows one kind of table.
 *
 * Bounded: syscall names must look like syscall names and at most MAX_NAMES are kept; pids are only counted.
 */
import { forEachLine, type ByteSource } from '../../lines.ts';

export interface SyscallRow {
  syscall: string;
  calls: number;
  errors: number;
  seconds: number;
  usecsPerCall: number;
  percentTime: number;
}

export interface StraceSummary {
  rows: SyscallRow[];
  total: { calls: number; errors: number; seconds: number };
  garbageLines: number;
}

const NAME = /^[a-z_][a-z0-9_]{0,47}$/;
const MAX_NAMES = 1024;
const NUMBER = /^\d+(\.\d+)?$/;

/** Parses the `-c` table; rows of several tables (one per personality) are summed by name. */
export async function parseStraceSummary(source: ByteSource): Promise<StraceSummary> {
  const byName = new Map<string, SyscallRow>();
  let garbageLines = 0;
  await forEachLine(source, (line) => {
    const cols = line.trim().split(/\s+/);
    if (cols.length === 1 && cols[0] === '') return;
    if (cols[0] === '%' || /^-+$/.test(cols[0] as string) || /^System call usage summary/.test(line.trim())) return;
    const name = cols[cols.length - 1] as string;
    const nums = cols.slice(0, -1);
    if ((nums.length !== 4 && nums.length !== 5) || !nums.every((n) => NUMBER.test(n)) || !NAME.test(name)) {
      garbageLines += 1;
      return;
    }
    if (name === 'total') return;
    const [percentTime, seconds, usecsPerCall, calls, errors] = nums.map(Number) as [number, number, number, number, number | undefined];
    const row = byName.get(name);
    if (row) {
      row.calls += calls;
      row.errors += errors ?? 0;
      row.seconds += seconds;
      row.usecsPerCall = row.calls > 0 ? (row.seconds * 1e6) / row.calls : 0;
    } else if (byName.size < MAX_NAMES) {
      byName.set(name, { syscall: name, calls, errors: errors ?? 0, seconds, usecsPerCall, percentTime });
    }
  });
  const rows = sortRows([...byName.values()]);
  const total = totalOf(rows);
  // Each table's "% time" is a share of that table only: summed over the slices of one run it exceeds 100, so the
  // share is taken again of the summed seconds (strace rounds it to two decimals too).
  if (total.seconds > 0) for (const row of rows) row.percentTime = Math.round((10_000 * row.seconds) / total.seconds) / 100;
  return { rows, total, garbageLines };
}

function sortRows(rows: SyscallRow[]): SyscallRow[] {
  return rows.sort((a, b) => b.seconds - a.seconds || b.calls - a.calls || (a.syscall < b.syscall ? -1 : 1));
}

function totalOf(rows: SyscallRow[]): StraceSummary['total'] {
  return rows.reduce((t, r) => ({ calls: t.calls + r.calls, errors: t.errors + r.errors, seconds: t.seconds + r.seconds }), {
    calls: 0,
    errors: 0,
    seconds: 0,
  });
}

export interface TraceSyscall {
  syscall: string;
  calls: number;
  errors: number;
  seconds: number;
  maxSeconds: number;
  errnos: Record<string, number>;
}

export interface StraceTrace {
  syscalls: TraceSyscall[];
  rows: SyscallRow[];
  pids: number;
  signals: Record<string, number>;
  exited: number;
  killed: number;
  /** Calls that started but never returned in the trace (blocked at the end, or a cut-off artifact). */
  unfinished: number;
  firstTime?: string;
  lastTime?: string;
  garbageLines: number;
}

// [pid N] or N, then a -t/-tt/-ttt time stamp, both optional.
const PREFIX = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(\d{2}:\d{2}:\d{2}(?:\.\d+)?|\d{9,}\.\d+)?\s*/;
const CALL = /^([a-z_][a-z0-9_]*)\(/;
const RESUMED = /^<\.\.\. ([a-z_][a-z0-9_]*) resumed>/;
const DURATION = /\s<(\d+(?:\.\d+)?)>$/;
const ERRNO = /^-1 ([A-Z][A-Z0-9_]*)|^\? (E[A-Z0-9_]+)/;

/** Aggregates a `strace -f -tt -T` trace line by line. */
export async function parseStraceTrace(source: ByteSource): Promise<StraceTrace> {
  const calls = new Map<string, TraceSyscall>();
  const pending = new Map<string, string>();
  const pids = new Set<string>();
  const signals: Record<string, number> = {};
  const out = {
    exited: 0,
    killed: 0,
    garbageLines: 0,
    firstTime: undefined as string | undefined,
    lastTime: undefined as string | undefined,
  };
  const bump = (name: string): TraceSyscall | undefined => {
    let s = calls.get(name);
    if (!s && calls.size < MAX_NAMES) calls.set(name, (s = { syscall: name, calls: 0, errors: 0, seconds: 0, maxSeconds: 0, errnos: {} }));
    return s;
  };
  const finish = (name: string, rest: string): void => {
    const s = bump(name);
    if (!s) return;
    s.calls += 1;
    const eq = rest.lastIndexOf(' = ');
    const result = eq === -1 ? '' : rest.slice(eq + 3);
    const errno = ERRNO.exec(result);
    if (errno) {
      s.errors += 1;
      const code = (errno[1] ?? errno[2]) as string;
      if (code in s.errnos || Object.keys(s.errnos).length < 64) s.errnos[code] = (s.errnos[code] ?? 0) + 1;
    }
    const d = DURATION.exec(rest);
    if (d) {
      const secs = Number(d[1]);
      s.seconds += secs;
      if (secs > s.maxSeconds) s.maxSeconds = secs;
    }
  };
  await forEachLine(source, (raw) => {
    if (raw.trim() === '') return;
    const m = PREFIX.exec(raw) as RegExpExecArray;
    const pid = m[1] ?? m[2] ?? '';
    if (m[3]) {
      out.firstTime ??= m[3];
      out.lastTime = m[3];
    }
    if (pids.size < 100_000) pids.add(pid);
    const line = raw.slice(m[0].length);
    const resumed = RESUMED.exec(line);
    if (resumed) {
      pending.delete(pid);
      finish(resumed[1] as string, line);
      return;
    }
    if (line.startsWith('--- ')) {
      const sig = /^--- (SIG[A-Z0-9]+|[A-Z]+)/.exec(line)?.[1] ?? 'unknown';
      if (sig in signals || Object.keys(signals).length < 64) signals[sig] = (signals[sig] ?? 0) + 1;
      return;
    }
    if (line.startsWith('+++ ')) {
      if (line.startsWith('+++ exited')) out.exited += 1;
      else if (line.startsWith('+++ killed')) out.killed += 1;
      return;
    }
    const call = CALL.exec(line);
    if (!call || !NAME.test(call[1] as string)) {
      out.garbageLines += 1;
      return;
    }
    if (line.endsWith('<unfinished ...>')) {
      if (pending.size < 100_000) pending.set(pid, call[1] as string);
      return;
    }
    finish(call[1] as string, line);
  });
  const syscalls = [...calls.values()].sort((a, b) => b.seconds - a.seconds || b.calls - a.calls || (a.syscall < b.syscall ? -1 : 1));
  const totalSeconds = syscalls.reduce((t, s) => t + s.seconds, 0);
  const rows = syscalls.map((s) => ({
    syscall: s.syscall,
    calls: s.calls,
    errors: s.errors,
    seconds: s.seconds,
    usecsPerCall: s.calls > 0 ? Math.round((s.seconds * 1e6) / s.calls) : 0,
    percentTime: totalSeconds > 0 ? (100 * s.seconds) / totalSeconds : 0,
  }));
  const { firstTime, lastTime, ...counts } = out;
  return {
    syscalls,
    rows,
    pids: pids.size,
    signals,
    unfinished: pending.size,
    ...counts,
    ...(firstTime !== undefined ? { firstTime } : {}),
    ...(lastTime !== undefined ? { lastTime } : {}),
  };
}
