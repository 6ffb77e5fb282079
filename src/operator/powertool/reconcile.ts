/**
 * The PowerTool reconciler.
 * Reads: the PowerTool, its PowerToolConfig (operator namespace), the namespace, pods and other PowerTools, all
 * from informer caches; the pods are the truth about what was injected.
 * Writes: PowerTool status (its only writer) and the stop-tools finalizer; ephemeral containers on target pods, or
 * evictions of them for a tool with spec.action evict (run-evict.ts); Events. Owns the run: select targets once,
 * inject once per target, observe, stop on deadline / suspend / delete, a breached steady state (steady-state/) or
 * an emergency stop (emergency-stop.ts), undo the fault of a tool that ended abruptly (run-undo.ts), delete after
 * the TTL. Steps live in their own files; this one only
 * sequences them.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { powerTool as powerToolSchema, type PowerTool, type PowerToolStatus, type TargetStatus } from '../../api/index.ts';
import { isTrue } from '../../kube/conditions.ts';
import { TerminalError, type ReconcileResult } from '../queue.ts';
import type { PowerToolContext } from './context.ts';
import { deleteIfExpired, ensureFinalizer, releaseFinalizer } from './lifecycle.ts';
import { observeTarget } from './observe.ts';
import { finishGraceMs, resolveTool, runTool } from './resolve.ts';
import { computeStatus, type Blocker } from './status.ts';
import { advance, targetEnded, targetSettled } from './target-phase.ts';
import { undoAbrupt, undoing } from './run-undo.ts';
import { selectRun } from './select.ts';
import { injectPending } from './run-inject.ts';
import { dryRunEvictions, evictPending } from './run-evict.ts';
import { stopTargets, stopReasonFor } from './stop-targets.ts';
import { writeStatus } from './write-status.ts';
import * as steadyState from './steady-state/stages.ts';
import { emergencyStopNow, refusedByEmergencyStop, startBlocker, withEmergencyStop } from './emergency-stop.ts';

export type LivePowerTool = PowerTool & {
  metadata: PowerTool['metadata'] & {
    uid: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
  };
};

export async function reconcilePowerTool(ctx: PowerToolContext, key: string): Promise<ReconcileResult | void> {
  const [namespace, name] = key.split('/') as [string, string];
  const raw = ctx.caches.powerTools.get(name, namespace);
  if (!raw) return;
  const parsed = powerToolSchema.safeParse(raw);
  const log = ctx.log.child({ namespace, name, reconcileID: randomUUID() });
  // Admission and the CRD schema keep such objects out; one that got in anyway waits for its spec to change.
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new TerminalError(`powertool does not match the schema: ${issues.join('; ')}`);
  }
  const pt = { ...parsed.data, metadata: raw.metadata } as LivePowerTool;
  const now = ctx.now();
  const prev = pt.status;

  if (pt.metadata.deletionTimestamp) return releaseFinalizer(ctx, pt, now, log);
  // A run that selected targets is final once they all ended; a Conflicted run stays so until its spec changes. A
  // run refused for its tool, args or selection is looked at again: the config or the pods may have changed.
  const hasRun = (prev?.targets ?? []).length > 0;
  const conflicted = isTrue(prev?.conditions, 'Conflicted') && prev?.observedGeneration === pt.metadata.generation;
  const finished =
    prev?.finishedAt !== undefined && (conflicted || (hasRun && (pt.spec.dryRun || (prev.targets ?? []).every(targetSettled))));
  const record = (status: PowerToolStatus) => writeStatus(ctx, pt, status, log);
  if (finished && steadyState.awaitingRecovery(pt)) return steadyState.watchRecovery(ctx, pt, now, record);
  if (finished || steadyState.refusedBeforeStart(pt) || refusedByEmergencyStop(pt)) return deleteIfExpired(ctx, pt, now);
  if (await ensureFinalizer(ctx, pt)) return;

  const generation = pt.metadata.generation;
  const base = { prev, generation, now, dryRun: pt.spec.dryRun, suspended: pt.spec.suspend };

  const prevTargets = prev?.targets ?? [];
  if (prevTargets.length === 0) {
    const resolved = resolveTool(pt, ctx.caches.configs, ctx.operatorNamespace, ctx.privileges);
    if (!resolved.ok) return blocked(ctx, pt, base, resolved.blocker, record);
    if (pt.spec.suspend && !pt.spec.dryRun) return void (await record(computeStatus({ ...base, targets: [] })));
    // A dry run touches nothing, so an emergency stop lets it through.
    const pulled = pt.spec.dryRun ? undefined : emergencyStopNow(ctx);
    if (pulled) return blocked(ctx, pt, base, startBlocker(pulled), (s) => record(withEmergencyStop(pt, s, pulled, now, true)));
    const steady = pt.spec.dryRun ? {} : await steadyState.checkBeforeStart(ctx, pt, now);
    if (steady.blocker)
      return blocked(ctx, pt, base, steady.blocker, (s) => record(steadyState.withSteadyState(pt, s, steady.status, now)));
    const selection = selectRun(ctx, pt, resolved, now);
    if (!selection.ok) return blocked(ctx, pt, base, selection.blocker, record);
    const selected = computeStatus({
      ...base,
      targets: selection.targets,
      startedAt: now.toISOString(),
      deadline: selection.deadline,
      resolvedTool: resolved.tool,
    });
    const status = steadyState.withSteadyState(pt, selected, steady.status, now);
    if (pt.spec.dryRun)
      status.rendered = resolved.tool.action === 'evict' ? await dryRunEvictions(ctx, pt, selection.targets) : selection.rendered;
    if (await record(status)) ctx.events.selected(pt, selection.targets.length);
    return;
  }

  // The run is under way: observe, inject what is still pending, stop what must stop, record.
  const pods = new Map<string, V1Pod | undefined>(prevTargets.map((t) => [t.pod, ctx.caches.pods.get(t.pod, namespace)]));
  let targets = prevTargets.map((t) => observeTarget(t, pods.get(t.pod)));
  const deadline = prev?.deadline ? new Date(prev.deadline) : now;
  // How long the tools may take after the deadline to save their output before the operator stops them.
  const graceMs = finishGraceMs(pt, ctx.caches.configs, ctx.operatorNamespace);
  const steady = await steadyState.watchDuringRun(ctx, pt, targets, now);
  const stop = emergencyStopNow(ctx);
  // A stop already under way keeps its reason; an emergency stop comes before a probe's breach.
  const stopReason = stopReasonFor(pt, now, deadline, graceMs) ?? (stop ? 'EmergencyStop' : undefined) ?? steady?.stopReason;
  let resolvedTool = prev?.resolvedTool;
  if (!pt.spec.dryRun && !stopReason && now < deadline && targets.some((t) => t.phase === 'Pending')) {
    // From the record taken at selection, not the config as it is now (resolve.ts runTool says why).
    const tool = runTool(pt, ctx.caches.configs, ctx.operatorNamespace, ctx.privileges);
    if (tool.ok) {
      resolvedTool = tool.tool;
      targets =
        tool.tool.action === 'evict'
          ? await evictPending(ctx, pt, targets, log)
          : await injectPending(ctx, pt, tool.tool, targets, pods, deadline, log);
    } else targets = targets.map((t) => advance(t, { type: 'NotAdmitted', reason: tool.reason, message: tool.message }));
  }
  if (stopReason) targets = await stopTargets(ctx, pt, targets, stopReason, now, log);
  if (!stopReason && now >= deadline) targets = targets.map((t) => advance(t, { type: 'DeadlinePassed' }));
  // A tool that ended without its clean result may have left its fault behind: undo it, whatever else goes on.
  targets = await undoAbrupt(ctx, pt, targets, pods, log);

  emitTransitions(ctx, pt, prevTargets, targets);
  const computed = computeStatus({ ...base, targets, startedAt: prev?.startedAt, deadline: prev?.deadline, resolvedTool });
  const status = withEmergencyStop(pt, steadyState.withSteadyState(pt, computed, steady?.status, now), stop, now);
  if (await record(status)) {
    steadyState.reportVerdict(ctx, pt, status);
    if (status.finishedAt && !prev?.finishedAt)
      ctx.events.finished(pt, status.phase ?? 'Finished', status.conditions?.find((c) => c.type === 'Completed')?.message ?? '');
  }
  const stopping = stopReason !== undefined || undoing(targets).length > 0;
  return steadyState.soonest(nextVisit(status, now, stopping, graceMs), pt, status, now);
}

async function blocked(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  base: Omit<Parameters<typeof computeStatus>[0], 'targets'>,
  blocker: Blocker,
  record: (s: PowerToolStatus) => Promise<boolean>,
): Promise<void> {
  const changed = await record(computeStatus({ ...base, targets: [], blocker }));
  if (!changed) return;
  if (blocker.type === 'Conflicted') ctx.events.conflicted(pt, blocker.message);
  else if (blocker.type === 'SteadyState') ctx.events.steadyStateNotHeld(pt, blocker.message);
  else if (blocker.type === 'Admitted') ctx.events.argsRefused(pt, blocker.message);
  else if (blocker.type === 'EmergencyStop') ctx.events.emergencyStopRefused(pt, blocker.message);
  else ctx.events.selectionRefused(pt, blocker.message);
}

function emitTransitions(ctx: PowerToolContext, pt: LivePowerTool, before: TargetStatus[], after: TargetStatus[]): void {
  for (const t of after) {
    const was = before.find((b) => b.pod === t.pod)?.phase;
    if (was === t.phase) continue;
    if (t.phase === 'Running') {
      ctx.events.started(pt, t);
      const created = Date.parse(pt.metadata.creationTimestamp ?? '');
      if (!Number.isNaN(created))
        ctx.metrics.injectionDuration.observe({ tool: pt.spec.tool.name }, (ctx.now().getTime() - created) / 1000);
    } else if (targetEnded(t)) ctx.events.ended(pt, t);
  }
}

function nextVisit(status: PowerToolStatus, now: Date, stopping: boolean, graceMs: number): ReconcileResult | void {
  if (status.finishedAt) return;
  if (stopping) return { requeueAfterMs: 1_000 };
  const deadline = status.deadline ? Date.parse(status.deadline) + graceMs : now.getTime() + 5_000;
  return { requeueAfterMs: Math.max(500, Math.min(deadline - now.getTime(), 30_000)) };
}
