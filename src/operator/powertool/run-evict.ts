import type { Logger } from 'pino';
import type { TargetStatus } from '../../api/index.ts';
import { settleBounded } from '../bounded.ts';
import type { PowerToolContext } from './context.ts';
import { evictPod, type EvictionOutcome } from './evict.ts';
import type { LivePowerTool } from './reconcile.ts';
import { advance } from './target-phase.ts';

/**
 * The step beside injection for tools the operator performs itself (PowerToolConfig spec.action evict, pod-kill):
 * evicts every target still Pending through the Eviction API, in parallel up to the inject bound. A budget's
 * refusal fails that target naming the budget and is never forced; another error is retried on later visits up to
 * the attempt bound, as an injection is. The Events (Evicted, EvictionRefused) follow from the records' transitions.
 */
export async function evictPending(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  targets: TargetStatus[],
  log: Logger,
): Promise<TargetStatus[]> {
  const pending = targets.filter((t) => t.phase === 'Pending' && (t.attempts ?? 0) < ctx.maxInjectAttempts);
  if (pending.length === 0) return targets;
  const namespace = pt.metadata.namespace ?? '';
  const outcomes = await settleBounded(pending, ctx.injectConcurrency, (t) =>
    evictPod(ctx.clients.core, namespace, t.pod, { uid: t.podUID }),
  );
  const byPod = new Map(pending.map((t, i) => [t.pod, outcomes[i] as PromiseSettledResult<EvictionOutcome>]));
  const at = ctx.now().toISOString();
  return targets.map((t) => {
    const settled = byPod.get(t.pod);
    if (!settled) return t;
    const outcome: EvictionOutcome =
      settled.status === 'fulfilled' ? settled.value : { pod: t.pod, outcome: 'Failed', message: String(settled.reason) };
    ctx.metrics.injectionsTotal.inc({ tool: pt.spec.tool.name, result: outcome.outcome === 'Evicted' ? 'success' : 'error' });
    switch (outcome.outcome) {
      case 'Evicted':
        return advance(t, { type: 'Evicted', at });
      case 'Gone':
        return advance(t, { type: 'PodGone' });
      case 'RefusedByBudget':
        return advance(t, { type: 'EvictionRefused', at, budgets: outcome.budgets, message: outcome.message });
      case 'Failed': {
        const attempts = (t.attempts ?? 0) + 1;
        log.warn({ pod: t.pod, attempts, err: outcome.message }, 'eviction failed');
        return advance(t, { type: 'InjectFailed', message: outcome.message, final: attempts >= ctx.maxInjectAttempts });
      }
    }
  });
}

/**
 * For spec.dryRun: the Eviction API's own dry run for each target, which checks the budgets and evicts nothing;
 * what it answered goes into status.rendered, as an injecting tool's rendered containers do.
 */
export async function dryRunEvictions(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  targets: TargetStatus[],
): Promise<Record<string, unknown>[]> {
  const namespace = pt.metadata.namespace ?? '';
  const outcomes = await settleBounded(targets, ctx.injectConcurrency, (t) =>
    evictPod(ctx.clients.core, namespace, t.pod, { uid: t.podUID, dryRun: true }),
  );
  return targets.map((t, i) => {
    const settled = outcomes[i] as PromiseSettledResult<EvictionOutcome>;
    const o: EvictionOutcome =
      settled.status === 'fulfilled' ? settled.value : { pod: t.pod, outcome: 'Failed', message: String(settled.reason) };
    const answer =
      o.outcome === 'Evicted'
        ? { outcome: 'WouldEvict', message: `the Eviction API would evict pod ${t.pod} now` }
        : o.outcome === 'RefusedByBudget'
          ? { outcome: 'RefusedByBudget', refusedBy: o.budgets, message: o.message }
          : { outcome: o.outcome, message: o.outcome === 'Gone' ? `pod ${t.pod} is gone` : o.message };
    return { pod: t.pod, eviction: { apiVersion: 'policy/v1', kind: 'Eviction', dryRun: true, ...answer } };
  });
}
