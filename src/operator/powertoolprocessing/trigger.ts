/**
 * Which PowerTools a PowerToolProcessing covers and which reports are due. Pure: plain objects and a clock in,
 * candidates out. A report's id derives from what it covers (the PowerTool's UID, or the period's start), never
 * from when it was built, so however often this runs — after a restart, a conflict, a second replica — a run
 * maps to one report id and one file.
 */
import { createHash } from 'node:crypto';
import type { PowerTool, PowerToolProcessingSpec } from '../../api/index.ts';
import { parseDuration } from '../../api/units.ts';
import { matchesSelector } from '../../kube/selector.ts';
import { nextFiring, parseCron, prevFiring, type Cron } from '../../schedule/cron.ts';

export type Schedule = { kind: 'interval'; ms: number } | { kind: 'cron'; cron: Cron; expression: string };

/** Periods shorter than this would mostly build reports about nothing and flood the status. */
export const MIN_INTERVAL_MS = 5_000;
/**
 * A period is processed this long after it ends: a run that ended just before the boundary reaches the PowerTool's
 * status a moment later (the PowerTool controller observes, then writes).
 */
export const PERIOD_GRACE_MS = 5_000;

export interface FinishedRun {
  name: string;
  uid: string;
  finishedAt: number;
}

export interface Candidate {
  id: string;
  kind: 'run' | 'period';
  /** Names of the PowerTools covered, sorted. */
  powerTools: string[];
  /** The run's end, or the period's end: what retention orders by. */
  finishedAt: number;
  period?: { start: number; end: number };
}

type Source = PowerToolProcessingSpec['source'];
type Meta = { name?: string; namespace?: string; uid?: string; labels?: Record<string, string> };

/** The schedule, or a message naming the field when it cannot work. */
export function parseSchedule(
  schedule: NonNullable<PowerToolProcessingSpec['trigger']['schedule']> | undefined,
): Schedule | undefined | { error: string } {
  if (!schedule) return undefined;
  if (schedule.cron !== undefined) {
    try {
      const cron = parseCron(schedule.cron);
      if (!nextFiring(cron, new Date(0))) return { error: `spec.trigger.schedule.cron: "${schedule.cron}" never fires` };
      return { kind: 'cron', cron, expression: schedule.cron };
    } catch (err) {
      return { error: `spec.trigger.schedule.cron: ${(err as Error).message}` };
    }
  }
  const ms = parseDuration(schedule.interval ?? '');
  if (ms === undefined || ms < MIN_INTERVAL_MS)
    return {
      error: `spec.trigger.schedule.interval: must be a duration of at least ${MIN_INTERVAL_MS / 1000}s, got "${schedule.interval ?? ''}"`,
    };
  return { kind: 'interval', ms };
}

/** The source's conditions ANDed, in the processing's own namespace; a source that names nothing covers nothing. */
export function covers(source: Source, namespace: string, pt: { metadata?: Meta; spec?: { tool?: { name?: string } } }): boolean {
  if (source.powerTool === undefined && source.selector === undefined && source.tool === undefined) return false;
  if (pt.metadata?.namespace !== namespace) return false;
  if (source.powerTool !== undefined && pt.metadata?.name !== source.powerTool) return false;
  if (source.tool !== undefined && pt.spec?.tool?.name !== source.tool) return false;
  if (source.selector !== undefined && !matchesSelector(source.selector, pt.metadata?.labels)) return false;
  return true;
}

/** Covered runs that finished with something to show: a dry run or a run that never selected a target has none. */
export function finishedRuns(source: Source, namespace: string, powerTools: readonly (PowerTool & { metadata: Meta })[]): FinishedRun[] {
  const out: FinishedRun[] = [];
  for (const pt of powerTools) {
    const finishedAt = Date.parse(pt.status?.finishedAt ?? '');
    if (!Number.isFinite(finishedAt) || pt.status?.phase === 'DryRun' || (pt.status?.targets ?? []).length === 0) continue;
    if (!covers(source, namespace, pt) || !pt.metadata.uid) continue;
    out.push({ name: pt.metadata.name ?? '', uid: pt.metadata.uid, finishedAt });
  }
  return out;
}

/** Readable and stable: the PowerTool's name (cut) and a hash of its UID, which no later PowerTool can share. */
export function runReportId(name: string, uid: string): string {
  const stem = name.slice(0, 40).replace(/[.-]+$/, '');
  return `${stem}-${createHash('sha256').update(uid).digest('hex').slice(0, 10)}`;
}

export function periodReportId(start: number): string {
  return `period-${new Date(start)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

/** The period a time falls in: interval periods are aligned to the epoch; cron periods run from one firing to the next. */
export function periodOf(schedule: Schedule, t: number): { start: number; end: number } | undefined {
  if (schedule.kind === 'interval') {
    const start = Math.floor(t / schedule.ms) * schedule.ms;
    return { start, end: start + schedule.ms };
  }
  const start = prevFiring(schedule.cron, new Date(t));
  const end = start && nextFiring(schedule.cron, start);
  return start && end ? { start: start.getTime(), end: end.getTime() } : undefined;
}

export interface Due {
  candidates: Candidate[];
  /** When the schedule fires next (for status.nextRunAt). */
  nextRunAt?: number;
  /** When to look again: the next period's end plus the grace. */
  wakeAt?: number;
}

/**
 * Every report that should exist now: one per finished run (onCompletion), and one per ended period holding at
 * least one run (schedule). Whether it exists already, and whether retention wants it, is retention.ts's call.
 */
export function candidates(trigger: { onCompletion: boolean; schedule?: Schedule }, runs: readonly FinishedRun[], now: number): Due {
  const out: Candidate[] = [];
  if (trigger.onCompletion) {
    for (const r of runs) out.push({ id: runReportId(r.name, r.uid), kind: 'run', powerTools: [r.name], finishedAt: r.finishedAt });
  }
  const schedule = trigger.schedule;
  if (!schedule) return { candidates: out };
  const periods = new Map<number, { start: number; end: number; names: Set<string> }>();
  for (const r of runs) {
    const p = periodOf(schedule, r.finishedAt);
    if (!p || p.end + PERIOD_GRACE_MS > now) continue;
    const entry = periods.get(p.start) ?? { ...p, names: new Set<string>() };
    entry.names.add(r.name);
    periods.set(p.start, entry);
  }
  for (const p of periods.values()) {
    out.push({
      id: periodReportId(p.start),
      kind: 'period',
      powerTools: [...p.names].sort(),
      finishedAt: p.end,
      period: { start: p.start, end: p.end },
    });
  }
  const current = periodOf(schedule, now - PERIOD_GRACE_MS);
  return { candidates: out, nextRunAt: periodOf(schedule, now)?.end, wakeAt: current ? current.end + PERIOD_GRACE_MS : undefined };
}
