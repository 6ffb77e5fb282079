/**
 * The per-target table as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line
 * break, quotes doubled). A cell a spreadsheet would run as a formula (starting with = + - @, tab or CR) is
 * prefixed with a single quote, as OWASP advises: target messages come from the cluster and are not trusted.
 */
import type { TargetRow } from '../model.ts';

export const TARGET_COLUMNS = [
  'powerTool',
  'pod',
  'container',
  'phase',
  'reason',
  'stopReason',
  'startedAt',
  'finishedAt',
  'durationSeconds',
  'exitCode',
  'partial',
  'artifacts',
  'bytes',
  'message',
] as const;

export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function duration(t: TargetRow): string {
  if (!t.startedAt || !t.finishedAt) return '';
  const s = (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000;
  return Number.isFinite(s) && s >= 0 ? String(Math.round(s)) : '';
}

export function targetsCsv(rows: readonly TargetRow[]): string {
  const cells = (t: TargetRow): string[] => [
    t.powerTool,
    t.pod,
    t.container,
    t.phase,
    t.reason ?? '',
    t.stopReason ?? '',
    t.startedAt ?? '',
    t.finishedAt ?? '',
    duration(t),
    t.exitCode !== undefined ? String(t.exitCode) : '',
    String(t.partial),
    String(t.artifacts),
    String(t.bytes),
    t.message ?? '',
  ];
  return [[...TARGET_COLUMNS], ...rows.map(cells)].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
