/** RCA evidence from perf: the hottest functions by self time, as the processor's top-functions table has them. */
import type { Evidence } from '../../rca/types.ts';
import { asArray, asNumber, asString, at, idPart } from '../../rca/loose.ts';

export const TOP_FUNCTIONS = 10;
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
