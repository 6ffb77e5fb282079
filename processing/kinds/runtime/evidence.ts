/**
 * RCA evidence from runtime profiles: the hottest functions of each CPU profile (the same `hot-function` kind
 * perf's evidence has, so the same rule weighs it), the largest holders of live heap, and the share of CPU that
 * garbage collection and lock spinning take, when it is large enough to name.
 */
import type { Evidence } from '../../rca/types.ts';
import { asArray, asNumber, asString, at, idPart } from '../../rca/loose.ts';

export const TOP_FUNCTIONS = 5;
/** GC above a quarter of the CPU: the program spends more on memory management than is usual for Go services. */
export const GC_PCT = 25;
/** A tenth of the CPU spinning on locks is contention worth naming. */
export const LOCK_PCT = 10;
const MAX_ROWS = 100_000;

interface Row {
  name: string;
  selfPct: number;
  totalPct: number | undefined;
  source: string | undefined;
}

function rows(list: unknown): Row[] {
  return asArray(list, MAX_ROWS)
    .map((f) => ({
      name: asString(at(f, 'name'), 512),
      selfPct: asNumber(at(f, 'selfPct')),
      totalPct: asNumber(at(f, 'totalPct')),
      source: asString(at(f, 'source'), 512),
    }))
    .filter((f): f is Row => f.name !== undefined && f.selfPct !== undefined)
    .sort((a, b) => b.selfPct - a.selfPct || a.name.localeCompare(b.name))
    .slice(0, TOP_FUNCTIONS);
}

export function pprofEvidence(slice: unknown): Evidence[] {
  return asArray(slice, 64).flatMap((p): Evidence[] => {
    const runtime = asString(at(p, 'runtime'), 32) ?? 'unknown';
    const type = asString(at(p, 'type'), 32) ?? 'cpu';
    const top = rows(at(p, 'topFunctions'));
    const where = (r: Row) => (r.source ? ` (${r.source})` : '');
    const out: Evidence[] = top.map((f, i): Evidence =>
      type === 'cpu'
        ? {
            id: `ev-${runtime}-hot-${idPart(f.name)}`,
            kind: 'hot-function',
            source: 'runtime',
            summary: `${runtime} CPU profile: ${f.name}${where(f)} has ${f.selfPct}% of CPU time itself${f.totalPct !== undefined ? ` (${f.totalPct}% with callees)` : ''}, rank ${i + 1}`,
            subject: {},
            data: { runtime, name: f.name, selfPct: f.selfPct, totalPct: f.totalPct ?? null, rank: i + 1, source: f.source ?? null },
          }
        : {
            id: `ev-${runtime}-${idPart(type)}-${idPart(f.name)}`,
            kind: 'heap-holder',
            source: 'runtime',
            summary: `${runtime} heap profile: ${f.name}${where(f)} holds ${f.selfPct}% of the ${type === 'inuse_space' ? 'live heap' : type} itself${f.totalPct !== undefined ? ` (${f.totalPct}% with callees)` : ''}, rank ${i + 1}`,
            subject: {},
            data: { runtime, type, name: f.name, selfPct: f.selfPct, totalPct: f.totalPct ?? null, rank: i + 1, source: f.source ?? null },
          },
    );
    const gcPct = asNumber(at(p, 'gcPct'));
    if (type === 'cpu' && gcPct !== undefined && gcPct >= GC_PCT)
      out.push({
        id: `ev-${runtime}-gc`,
        kind: 'gc-pressure',
        source: 'runtime',
        summary: `${runtime} CPU profile: garbage collection and allocation take ${gcPct}% of CPU time`,
        subject: {},
        data: { runtime, gcPct },
      });
    const lockPct = asNumber(at(p, 'lockPct'));
    if (type === 'cpu' && lockPct !== undefined && lockPct >= LOCK_PCT)
      out.push({
        id: `ev-${runtime}-locks`,
        kind: 'lock-contention',
        source: 'runtime',
        summary: `${runtime} CPU profile: ${lockPct}% of CPU time is spent acquiring locks`,
        subject: {},
        data: { runtime, lockPct },
      });
    return out;
  });
}
