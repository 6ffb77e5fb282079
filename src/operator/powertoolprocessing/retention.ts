/**
 * Which reports to keep, build and delete, as one pure decision over the reports that exist and the ones the
 * trigger wants. Existing reports and candidates are ranked together by the time of the runs they cover, newest
 * first; the first maxReports younger than maxAge are kept. A candidate that would be pruned at once is never
 * built, which is also what stops a pruned report from coming back: the runs that pushed it out are still newer.
 */
import type { ReportRecord } from '../../api/index.ts';
import type { Candidate } from './trigger.ts';

export interface RetentionInput {
  candidates: readonly Candidate[];
  reports: readonly ReportRecord[];
  /** Whether a report's file is on disk; a kept report whose file is gone (a new leader's empty volume) is rebuilt. */
  present: (id: string) => boolean;
  maxReports: number;
  maxAgeMs?: number;
  now: number;
}

export interface RetentionPlan {
  /** Newest first. */
  build: Candidate[];
  keep: ReportRecord[];
  remove: ReportRecord[];
}

export function recordTime(r: ReportRecord): number {
  const t = Date.parse(r.finishedAt ?? r.generatedAt);
  return Number.isFinite(t) ? t : 0;
}

const coveredBy = (wanted: readonly string[], have: readonly string[]): boolean => wanted.every((n) => have.includes(n));

export function retain(input: RetentionInput): RetentionPlan {
  const existing = new Map(input.reports.map((r) => [r.id, r]));
  const wanted = new Map(input.candidates.map((c) => [c.id, c]));
  const ids = new Set([...existing.keys(), ...wanted.keys()]);
  const ranked = [...ids]
    .map((id) => ({ id, at: wanted.get(id)?.finishedAt ?? recordTime(existing.get(id) as ReportRecord) }))
    .sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const young = ranked.filter((x) => input.maxAgeMs === undefined || input.now - x.at <= input.maxAgeMs);
  const kept = new Set(young.slice(0, Math.max(0, input.maxReports)).map((x) => x.id));
  const build: Candidate[] = [];
  for (const { id } of ranked) {
    const c = wanted.get(id);
    if (!c || !kept.has(id)) continue;
    const r = existing.get(id);
    // A period report is built again when a run of its period reached the status late: same id, same file.
    if (!r || !input.present(id) || !coveredBy(c.powerTools, r.powerTools)) build.push(c);
  }
  return {
    build,
    keep: input.reports.filter((r) => kept.has(r.id)),
    remove: input.reports.filter((r) => !kept.has(r.id)),
  };
}
