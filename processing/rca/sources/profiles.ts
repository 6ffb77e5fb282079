/**
 * Evidence from what the profilers measured: perf's hottest functions, strace's failing syscalls, tcpdump's
 * traffic. The processors already reduced the raw data; this keeps the few rows a person would look at first.
 */
import type { Evidence, NetworkSummary } from '../types.ts';
import { asArray, asNumber, asRecord, asString, at, idPart, percent } from '../loose.ts';

export const TOP_FUNCTIONS = 10;
export const TOP_SYSCALLS = 20;
/** Processor output is bounded already; this caps a hostile list before sorting it. */
const MAX_ROWS = 100_000;

export function perfEvidence(topFunctions: unknown): Evidence[] {
  const rows = asArray(topFunctions, MAX_ROWS)
    .map((f) => ({ name: asString(at(f, 'name'), 512), selfPct: asNumber(at(f, 'selfPct')), totalPct: asNumber(at(f, 'totalPct')) }))
    .filter((f): f is { name: string; selfPct: number; totalPct: number | undefined } => f.name !== undefined && f.selfPct !== undefined)
    .sort((a, b) => b.selfPct - a.selfPct || a.name.localeCompare(b.name))
    .slice(0, TOP_FUNCTIONS);
  return rows.map((f, i) => ({
    id: `ev-hot-${idPart(f.name)}`,
    kind: 'hot-function',
    source: 'perf',
    summary: `perf: ${f.name} has ${f.selfPct}% of samples itself${f.totalPct !== undefined ? ` (${f.totalPct}% with callees)` : ''}, rank ${i + 1}`,
    subject: {},
    data: { name: f.name, selfPct: f.selfPct, totalPct: f.totalPct ?? null, rank: i + 1 },
  }));
}

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

export function networkEvidence(summary: NetworkSummary | undefined): Evidence[] {
  if (!summary) return [];
  const packets = asNumber(summary.packets) ?? 0;
  const resets = asNumber(summary.tcpResets);
  const retrans = asNumber(summary.tcpRetransmissions);
  const top = asArray(summary.topTalkers, 1)[0];
  return [
    {
      id: 'ev-network',
      kind: 'network-summary',
      source: 'tcpdump',
      summary: `tcpdump: ${packets} packets, ${asNumber(summary.bytes) ?? 0} bytes${resets !== undefined ? `, ${resets} TCP resets` : ''}${retrans !== undefined ? `, ${retrans} retransmissions` : ''}`,
      subject: {},
      data: {
        packets,
        bytes: asNumber(summary.bytes) ?? 0,
        tcpResets: resets ?? null,
        tcpRetransmissions: retrans ?? null,
        resetPct: resets !== undefined ? percent(resets, packets) : null,
        retransmissionPct: retrans !== undefined ? percent(retrans, packets) : null,
        topTalker: asString(at(top, 'address'), 128) ?? null,
      },
    },
  ];
}
