import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ResolvedTool, TargetStatus } from '../../api/index.ts';
import { apiMessage, classify } from '../../kube/errors.ts';
import { settleBounded } from '../bounded.ts';
import type { PowerToolContext } from './context.ts';
import { injectContainer, requestToolToken } from './inject.ts';
import { observeTarget } from './observe.ts';
import type { LivePowerTool } from './reconcile.ts';
import { renderContainer } from './render.ts';
import { advance } from './target-phase.ts';

/**
 * Injects every target still Pending, in parallel up to a bound, from the run's record of its tool
 * (status.resolvedTool). One pod's failure marks that target (with its attempt count, kept in status so a restart
 * does not reset it), never the run.
 */
export async function injectPending(
  ctx: PowerToolContext,
  pt: LivePowerTool,
  tool: ResolvedTool,
  targets: TargetStatus[],
  pods: Map<string, V1Pod | undefined>,
  deadline: Date,
  log: Logger,
): Promise<TargetStatus[]> {
  const pending = targets.filter((t) => t.phase === 'Pending' && (t.attempts ?? 0) < ctx.maxInjectAttempts);
  if (pending.length === 0) return targets;
  if (pt.spec.output.mode === 'collector' && !ctx.collectorUrl) {
    return targets.map((t) => advance(t, { type: 'CollectorUnavailable' }));
  }
  const remainingMs = Math.max(1_000, deadline.getTime() - ctx.now().getTime());
  const outcomes = await settleBounded(pending, ctx.injectConcurrency, async (t) => {
    const pod = pods.get(t.pod) as V1Pod;
    const collector =
      pt.spec.output.mode === 'collector'
        ? { url: ctx.collectorUrl as string, token: await requestToolToken(ctx.clients.core, pod, pt.metadata.uid, remainingMs) }
        : undefined;
    const container = renderContainer({
      pt,
      tool,
      target: { pod: t.pod, podUID: t.podUID ?? '', container: t.container },
      durationMs: remainingMs,
      deadline,
      collector,
    });
    return injectContainer(ctx.clients.core, pt.metadata.namespace ?? '', t.pod, container);
  });
  const byPod = new Map(pending.map((t, i) => [t.pod, outcomes[i] as PromiseSettledResult<V1Pod>]));
  return targets.map((t) => {
    const outcome = byPod.get(t.pod);
    if (!outcome) return t;
    const attempts = (t.attempts ?? 0) + 1;
    if (outcome.status === 'fulfilled') {
      ctx.metrics.injectionsTotal.inc({ tool: pt.spec.tool.name, result: 'success' });
      const next = observeTarget(advance(t, { type: 'InjectSucceeded' }), outcome.value);
      ctx.events.injected(pt, next);
      return next;
    }
    ctx.metrics.injectionsTotal.inc({ tool: pt.spec.tool.name, result: 'error' });
    const message = `inject into pod ${t.pod}: ${apiMessage(outcome.reason)}`;
    log.warn({ pod: t.pod, attempts, err: message }, 'injection failed');
    const final = attempts >= ctx.maxInjectAttempts || classify(outcome.reason) === 'terminal';
    const next = advance(t, { type: 'InjectFailed', message, final });
    if (final) ctx.events.injectionFailed(pt, next, message);
    return next;
  });
}
