/**
 * One pass's decision for a processing, from its object, the PowerTools in the cache and the report files on
 * disk: the parsed spec (or why it cannot work), which reports to build, and when to look again. The deciding is
 * trigger.ts and retention.ts (pure); this only feeds them.
 */
import { powerToolProcessingSpec, type PowerToolProcessingSpec, type ReportRecord } from '../../api/index.ts';
import { parseDuration } from '../../api/units.ts';
import type { LiveProcessing, ProcessingContext } from './context.ts';
import { recordTime, retain, type RetentionPlan } from './retention.ts';
import { candidates, finishedRuns, parseSchedule } from './trigger.ts';
import { reportExists } from '../../../processing/pipeline/write.ts';

export type Decision =
  | { ok: false; invalid: string; kind: 'spec' | 'schedule' }
  | { ok: true; spec: PowerToolProcessingSpec; plan: RetentionPlan; nextRunAt?: number; wakeAt?: number; maxAgeMs?: number };

export async function decide(ctx: ProcessingContext, p: LiveProcessing, now: number): Promise<Decision> {
  const parsed = powerToolProcessingSpec.safeParse(p.spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, kind: 'spec', invalid: `spec.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const spec = parsed.data;
  const schedule = parseSchedule(spec.trigger.schedule);
  if (schedule && 'error' in schedule) return { ok: false, kind: 'schedule', invalid: schedule.error };
  const namespace = p.metadata.namespace ?? '';
  const maxAgeMs = spec.report.retention.maxAge === undefined ? undefined : parseDuration(spec.report.retention.maxAge);
  const runs = finishedRuns(spec.source, namespace, ctx.caches.powerTools.list(namespace));
  const due = candidates({ onCompletion: spec.trigger.onCompletion, schedule }, runs, now);
  const reports = p.status?.reports ?? [];
  const missing = new Set<string>();
  if (spec.report.enabled) {
    for (const r of reports) if (!(await reportExists(ctx.reportsDir, namespace, p.metadata.name, r.id))) missing.add(r.id);
  }
  const plan = retain({
    candidates: due.candidates,
    reports,
    present: (id) => !missing.has(id),
    maxReports: spec.report.retention.maxReports,
    maxAgeMs,
    now,
  });
  return { ok: true, spec, plan, nextRunAt: due.nextRunAt, wakeAt: due.wakeAt, maxAgeMs };
}

/** When the oldest kept report passes maxAge: retention has work then even if nothing else happens. */
export function nextExpiry(reports: readonly ReportRecord[], maxAgeMs: number | undefined): number | undefined {
  if (maxAgeMs === undefined || reports.length === 0) return undefined;
  return Math.min(...reports.map((r) => recordTime(r) + maxAgeMs));
}
