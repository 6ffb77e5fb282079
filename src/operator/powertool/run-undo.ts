import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { TargetStatus } from '../../api/index.ts';
import { apiMessage, classify } from '../../kube/errors.ts';
import { settleBounded } from '../bounded.ts';
import type { PowerToolContext } from './context.ts';
import { injectContainer } from './inject.ts';
import type { LivePowerTool } from './reconcile.ts';
import { runTool } from './resolve.ts';
import { advance, undoEnded } from './target-phase.ts';
import { observeUndo, planUndo, renderUndo } from './undo.ts';

/**
 * Undoes the fault of every target whose tool ended without its clean result, when the run's tool has an undo
 * (undo.ts): plans it, injects the undo container once (deterministic name; the pod is checked first, so a restart
 * finds it rather than adding a second), and follows it to its end. Runs whatever else the run is doing (past the
 * deadline, suspended, being deleted): a fault must not outlive its PowerTool. Emits FaultUndone / UndoFailed and
 * counts toe_fault_undos_total.
 */
export async function undoAbrupt(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  targets: TargetStatus[],
  pods: Map<string, V1Pod | undefined>,
  log: Logger,
): Promise<TargetStatus[]> {
  const frozen = pt.status?.resolvedTool;
  if (pt.spec.dryRun || !frozen?.undo) return targets;
  const now = ctx.now();
  const planned = targets.map((t) => observeUndo(planUndo(t, frozen, now), pods.get(t.pod)));
  const due = planned.filter((t) => {
    const pod = pods.get(t.pod);
    return (
      t.undo?.phase === 'Pending' &&
      (t.undo.attempts ?? 0) < ctx.maxInjectAttempts &&
      !(pod?.spec?.ephemeralContainers ?? []).some((c) => c.name === t.undo?.container)
    );
  });
  let next = planned;
  if (due.length > 0) {
    // The record taken at selection, held to this operator's tool privileges like the tool itself.
    const tool = runTool(pt, ctx.caches.configs, ctx.operatorNamespace, ctx.privileges);
    const outcomes = tool.ok
      ? await settleBounded(due, ctx.injectConcurrency, (t) =>
          injectContainer(ctx.clients.core, pt.metadata.namespace ?? '', t.pod, renderUndo(pt, tool.tool, { ...t, undo: t.undo! }, now)),
        )
      : due.map(() => ({ status: 'rejected', reason: new Error(tool.message) }) as PromiseRejectedResult);
    const byPod = new Map(due.map((t, i) => [t.pod, outcomes[i] as PromiseSettledResult<V1Pod>]));
    next = planned.map((t) => {
      const outcome = byPod.get(t.pod);
      if (!outcome) return t;
      if (outcome.status === 'fulfilled') return observeUndo(advance(t, { type: 'UndoInjected' }), outcome.value);
      const message = `inject the undo into pod ${t.pod}: ${tool.ok ? apiMessage(outcome.reason) : tool.message}`;
      const final = !tool.ok || (t.undo?.attempts ?? 0) + 1 >= ctx.maxInjectAttempts || classify(outcome.reason) === 'terminal';
      log.warn({ pod: t.pod, container: t.undo?.container, err: message }, 'undo injection failed');
      return advance(t, { type: 'UndoInjectFailed', message, final });
    });
  }
  for (const t of next) {
    const before = targets.find((b) => b.pod === t.pod)?.undo;
    if (!t.undo || before?.phase === t.undo.phase) continue;
    if (!before) log.info({ pod: t.pod, container: t.undo.container }, 'undoing the fault of a tool that ended abruptly');
    if (t.undo.phase === 'Succeeded') ctx.events.faultUndone(pt, t);
    else if (t.undo.phase === 'Failed') ctx.events.undoFailed(pt, t);
    if (t.undo.phase === 'Succeeded' || t.undo.phase === 'Failed')
      ctx.metrics.faultUndos.inc({ tool: pt.spec.tool.name, result: t.undo.phase });
  }
  return next;
}

/** Targets whose undo has not ended yet: the run (or its deletion) waits for them. */
export const undoing = (targets: TargetStatus[]): TargetStatus[] => targets.filter((t) => t.undo && !undoEnded(t.undo));
