/**
 * What one pass of a PowerToolSchedule should do, as CronJob's controller decides it (pkg/controller/cronjob/
 * utils.go `mostRecentScheduleTime`, cronjob_controllerv2.go `syncCronJob`). Pure: the schedule, its runs and
 * `now` in; a decision out. Only the most recent missed slot is ever started, so an operator that was down for
 * hours starts one run, never a burst.
 */
import type { ConcurrencyPolicy, PowerToolPhase } from '../../api/index.ts';
import { nextFiring, prevFiring, type Cron } from '../../schedule/cron.ts';

/** More missed slots than this are reported (CronJob's limit); the most recent one still starts. */
export const MAX_MISSED = 100;

export interface Run {
  name: string;
  uid: string;
  /** The slot it was created for (ms), from its annotation. */
  slot?: number;
  phase?: PowerToolPhase;
  finishedAt?: number;
  creationTimestamp?: number;
  deleting: boolean;
}

export interface PlanInput {
  cron: Cron;
  /** status.lastScheduleTime, else the schedule's creationTimestamp (ms). */
  since: number;
  startingDeadlineSeconds?: number;
  concurrencyPolicy: ConcurrencyPolicy;
  suspend: boolean;
  runs: Run[];
  now: number;
}

export type Plan =
  | { action: 'none'; next?: number; tooMany?: number }
  | { action: 'forbid'; slot: number; active: Run[]; next?: number; tooMany?: number }
  | { action: 'start'; slot: number; replace: Run[]; next?: number; tooMany?: number };

const FINISHED: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Conflicted', 'DryRun', 'Aborted']);

export const isFinished = (run: Run): boolean => run.finishedAt !== undefined || (run.phase !== undefined && FINISHED.has(run.phase));
export const isSucceeded = (run: Run): boolean => run.phase === 'Succeeded' || run.phase === 'DryRun';

/** The slots in (earliest, now]: how many (counted up to MAX_MISSED + 1) and the most recent. */
export function missedSlots(cron: Cron, earliest: number, now: number): { count: number; latest?: number } {
  const latest = prevFiring(cron, new Date(now))?.getTime();
  if (latest === undefined || latest <= earliest) return { count: 0 };
  let count = 0;
  for (let t = nextFiring(cron, new Date(earliest)); t && t.getTime() <= now && count <= MAX_MISSED; t = nextFiring(cron, t)) count++;
  return { count, latest };
}

export function plan(input: PlanInput): Plan {
  const { cron, now } = input;
  const deadlineMs = input.startingDeadlineSeconds === undefined ? undefined : input.startingDeadlineSeconds * 1000;
  // A deadline bounds how far back slots are looked for (CronJob does the same): an older slot is skipped.
  const earliest = deadlineMs === undefined ? input.since : Math.max(input.since, now - deadlineMs);
  const next = nextFiring(cron, new Date(now))?.getTime();
  if (input.suspend) return { action: 'none', next };
  const { count, latest } = missedSlots(cron, earliest, now);
  const tooMany = count > MAX_MISSED ? count : undefined;
  if (latest === undefined) return { action: 'none', next };
  // A run for this slot exists already (created before a restart whose status write was lost): nothing to do.
  if (input.runs.some((r) => r.slot !== undefined && r.slot >= latest)) return { action: 'none', next, tooMany };
  const active = input.runs.filter((r) => !isFinished(r));
  if (input.concurrencyPolicy === 'Forbid' && active.length > 0) return { action: 'forbid', slot: latest, active, next, tooMany };
  const replace = input.concurrencyPolicy === 'Replace' ? active.filter((r) => !r.deleting) : [];
  return { action: 'start', slot: latest, replace, next, tooMany };
}

/** The finished runs past the history limits, oldest first; active runs are never pruned. */
export function prune(runs: Run[], successfulLimit: number, failedLimit: number): Run[] {
  const order = (a: Run, b: Run): number => (b.slot ?? b.creationTimestamp ?? 0) - (a.slot ?? a.creationTimestamp ?? 0);
  const finished = runs.filter((r) => isFinished(r) && !r.deleting).sort(order);
  const succeeded = finished.filter(isSucceeded).slice(successfulLimit);
  const failed = finished.filter((r) => !isSucceeded(r)).slice(failedLimit);
  return [...succeeded, ...failed];
}

/** The run's name for a slot: the same after a restart or on another replica, so a second create collides. */
export function runName(schedule: string, slot: number): string {
  return `${schedule}-${Math.floor(slot / 60_000)}`;
}
