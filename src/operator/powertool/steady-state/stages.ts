/**
 * The steady state across a run (issue 11): checked before the start (the run does not start when it does not
 * hold), at each probe's interval during the run (failureThreshold failures in a row abort it through the same
 * stop path as spec.suspend), and after it until every probe passed again or its recoveryTimeout passed. Writes
 * only status.steadyState and the SteadyStateHeld condition; the decisions are in evaluate.ts.
 */
import {
  steadyStateConfig,
  type PowerToolStatus,
  type SteadyStateStage,
  type SteadyStateStatus,
  type TargetStatus,
} from '../../../api/index.ts';
import { findCondition, setCondition } from '../../../kube/conditions.ts';
import type { ReconcileResult } from '../../queue.ts';
import type { PowerToolContext } from '../context.ts';
import type { LivePowerTool } from '../reconcile.ts';
import type { Blocker } from '../status.ts';
import type { StopReason } from '../stop-targets.ts';
import { findConfig } from '../resolve.ts';
import { runProbe } from './check.ts';
import { breachOf, dueProbes, nextCheckInMs, recordCheck, recoveryDone, verdictOf } from './evaluate.ts';

const probesOf = (pt: LivePowerTool) => pt.spec.steadyState ?? [];

async function checkDue(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  stage: SteadyStateStage,
  targets: TargetStatus[],
  now: Date,
): Promise<SteadyStateStatus> {
  const prev = pt.status?.steadyState;
  const probes = probesOf(pt);
  const due = dueProbes(probes, prev, stage, now);
  const config = findConfig(ctx.caches.configs, ctx.operatorNamespace, pt.spec.tool.name);
  const parsedConfig = steadyStateConfig.safeParse(config?.spec?.steadyState ?? {});
  const records = await Promise.all(
    probes.map(async (p) => {
      const record = prev?.probes.find((s) => s.name === p.name);
      if (!due.includes(p)) return record;
      const result = await runProbe(ctx, pt.metadata.namespace ?? '', p, record, targets, parsedConfig.data);
      ctx.metrics.steadyStateChecks.inc({ kind: p.kind, result: result.ok ? 'Pass' : 'Fail' });
      return recordCheck(p, record, result, stage, now);
    }),
  );
  const out: SteadyStateStatus = { stage, probes: records.filter((r) => r !== undefined) };
  if (prev?.runEndedAt) out.runEndedAt = prev.runEndedAt;
  return out;
}

/** Before selecting targets: every probe once. A blocker when one fails, naming it. */
export async function checkBeforeStart(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  now: Date,
): Promise<{ status?: SteadyStateStatus; blocker?: Blocker }> {
  if (probesOf(pt).length === 0) return {};
  const status = await checkDue(ctx, pt, 'Before', [], now);
  const verdict = verdictOf(probesOf(pt), status);
  if (verdict.verdict === 'NotHeldBeforeStart') ctx.metrics.steadyStateVerdicts.inc({ tool: pt.spec.tool.name, verdict: verdict.reason });
  if (verdict.verdict === 'NotHeldBeforeStart')
    return { status, blocker: { type: 'SteadyState', reason: verdict.reason, message: verdict.message } };
  return { status: { ...status, stage: 'During' } };
}

/** A run refused for its steady state stays refused until its spec changes, as a conflicted one does. */
export function refusedBeforeStart(pt: LivePowerTool): boolean {
  const held = findCondition(pt.status?.conditions, 'SteadyStateHeld');
  return held?.reason === 'NotHeldBeforeStart' && held.observedGeneration === pt.metadata.generation;
}

/** During the run: the probes that are due; the stop reason once one has breached (and on every later visit). */
export async function watchDuringRun(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  targets: TargetStatus[],
  now: Date,
): Promise<{ status: SteadyStateStatus; stopReason?: StopReason } | undefined> {
  const prev = pt.status?.steadyState;
  if (probesOf(pt).length === 0 || !prev || prev.stage !== 'During') return prev ? { status: prev } : undefined;
  const already = breachOf(prev);
  const status = already ? prev : await checkDue(ctx, pt, 'During', targets, now);
  const breach = breachOf(status);
  if (breach && !already) ctx.events.steadyStateBreached(pt, breach.name, breach.lastValue ?? '');
  return { status, stopReason: breach ? 'SteadyStateBreached' : undefined };
}

/** Puts the steady state and its condition into a computed status; a run that just ended starts its recovery watch. */
export function withSteadyState(
  pt: LivePowerTool,
  status: PowerToolStatus,
  steady: SteadyStateStatus | undefined,
  now: Date,
): PowerToolStatus {
  if (!steady) return status;
  let next = steady;
  if (status.finishedAt && next.stage === 'During') next = { ...next, stage: 'After', runEndedAt: status.finishedAt };
  if (next.stage === 'After' && recoveryDone(probesOf(pt), next, now)) next = { ...next, stage: 'Done' };
  const { type, status: held, reason, message } = verdictOf(probesOf(pt), next);
  const condition = { type, status: held, reason, message };
  return { ...status, steadyState: next, conditions: setCondition(status.conditions, condition, pt.metadata.generation, now) };
}

/** Whether a finished run still waits for its probes to recover. */
export function awaitingRecovery(pt: LivePowerTool): boolean {
  const stage = pt.status?.steadyState?.stage;
  return probesOf(pt).length > 0 && (stage === 'After' || stage === 'During');
}

/** After the run: check the probes still to recover; the verdict (Event, metric) when all are done. */
export async function watchRecovery(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  now: Date,
  record: (s: PowerToolStatus) => Promise<boolean>,
): Promise<ReconcileResult | void> {
  const prev = pt.status as PowerToolStatus;
  const base =
    prev.steadyState?.stage === 'During' ? { ...prev.steadyState, stage: 'After' as const, runEndedAt: prev.finishedAt } : prev.steadyState;
  const probing = { ...pt, status: { ...prev, steadyState: base } } as LivePowerTool;
  const steady = await checkDue(ctx, probing, 'After', prev.targets ?? [], now);
  const status = withSteadyState(pt, prev, steady, now);
  if (await record(status)) reportVerdict(ctx, pt, status);
  const next = nextCheckInMs(probesOf(pt), status.steadyState, now);
  return status.steadyState?.stage === 'Done' ? undefined : { requeueAfterMs: Math.max(250, next ?? 1_000) };
}

/** The Event and metric for a final verdict, once: when the stage becomes Done. */
export function reportVerdict(ctx: PowerToolContext, pt: LivePowerTool, status: PowerToolStatus): void {
  const held = findCondition(status.conditions, 'SteadyStateHeld');
  if (!held || status.steadyState?.stage !== 'Done' || pt.status?.steadyState?.stage === 'Done') return;
  ctx.metrics.steadyStateVerdicts.inc({ tool: pt.spec.tool.name, verdict: held.reason });
  ctx.events.steadyStateVerdict(pt, held.status === 'True', `${held.reason}: ${held.message}`);
}

/** The sooner of the reconciler's own next visit and the next probe. */
export function soonest(result: ReconcileResult | void, pt: LivePowerTool, status: PowerToolStatus, now: Date): ReconcileResult | void {
  const probeIn = nextCheckInMs(probesOf(pt), status.steadyState, now);
  if (probeIn === undefined) return result;
  const ms = Math.max(250, probeIn);
  if (!result || result.requeueAfterMs === undefined) return { requeueAfterMs: ms };
  return { ...result, requeueAfterMs: Math.min(result.requeueAfterMs, ms) };
}
