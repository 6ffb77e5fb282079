/**
 * The PowerToolProcessing's status from what this pass found and did: pure. Reports are a list keyed by id,
 * ordered by the time of the runs they cover (newest last, so `kubectl get ptp -o wide` shows the newest);
 * conditions move their transition time only when their status flips.
 */
import type { PowerToolProcessing, ReportRecord } from '../../api/index.ts';
import { setCondition, type ConditionInput } from '../../kube/conditions.ts';
import { recordTime } from './retention.ts';

export type ProcessingStatus = NonNullable<PowerToolProcessing['status']>;

export interface StatusInput {
  prev: ProcessingStatus | undefined;
  generation: number | undefined;
  now: Date;
  /** The reports kept before this pass's builds (retention already applied). */
  kept: readonly ReportRecord[];
  built: readonly ReportRecord[];
  removed: readonly string[];
  nextRunAt?: number;
  ready: ConditionInput;
  served: ConditionInput;
}

export function mergeReports(kept: readonly ReportRecord[], built: readonly ReportRecord[], removed: readonly string[]): ReportRecord[] {
  const byId = new Map(kept.map((r) => [r.id, r]));
  for (const r of built) byId.set(r.id, r);
  for (const id of removed) byId.delete(id);
  return [...byId.values()].sort((a, b) => recordTime(a) - recordTime(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function computeStatus(s: StatusInput): ProcessingStatus {
  const reports = mergeReports(s.kept, s.built, s.removed);
  let conditions = setCondition(s.prev?.conditions, s.ready, s.generation, s.now);
  conditions = setCondition(conditions, s.served, s.generation, s.now);
  const lastRunAt = s.built.length > 0 ? s.now.toISOString() : s.prev?.lastRunAt;
  return {
    ...(s.generation !== undefined ? { observedGeneration: s.generation } : {}),
    conditions,
    ...(lastRunAt ? { lastRunAt } : {}),
    ...(s.nextRunAt !== undefined ? { nextRunAt: new Date(s.nextRunAt).toISOString() } : {}),
    reports,
  };
}

/** Ready: the last pass did what it had to, or why not. */
export function readyCondition(a: {
  invalid?: string;
  failed: { id: string; message: string }[];
  reports: number;
  nextRunAt?: number;
  pending: number;
}): ConditionInput {
  if (a.invalid) return { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: a.invalid };
  if (a.failed.length > 0) {
    const f = a.failed[0] as { id: string; message: string };
    return {
      type: 'Ready',
      status: 'False',
      reason: 'BuildFailed',
      message: `report ${f.id} could not be built (retrying): ${f.message}`.slice(0, 4096),
    };
  }
  const next = a.nextRunAt !== undefined ? `; the schedule fires next at ${new Date(a.nextRunAt).toISOString()}` : '';
  const pending = a.pending > 0 ? `; ${a.pending} more to build` : '';
  return { type: 'Ready', status: 'True', reason: 'Processing', message: `${a.reports} report(s) kept${pending}${next}` };
}
