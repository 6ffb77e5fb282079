import type { TargetStatus } from '../../api/index.ts';
import { budgetRefusal } from './budgets.ts';
import type { PowerToolContext } from './context.ts';
import type { LivePowerTool } from './reconcile.ts';
import { redactContainer, renderContainer, ephemeralName } from './render.ts';
import type { Resolved } from './resolve.ts';
import { findConfig } from './resolve.ts';
import type { Blocker } from './status.ts';
import { selectedTarget, targetSettled } from './target-phase.ts';
import { findCappedPod, findConflict, selectTargets, type ActiveRun } from './targets.ts';

export type RunSelection =
  { ok: true; targets: TargetStatus[]; deadline: string; rendered?: Record<string, unknown>[] } | { ok: false; blocker: Blocker };

/**
 * Chooses the run's targets once: namespace opt-in, blast radius, disruption budgets (disruptive tools), per-pod
 * cap, conflicts; renders them for dry-run (an evict tool's dry run is the Eviction API's own: run-evict.ts).
 */
export function selectRun(ctx: PowerToolContext, pt: LivePowerTool, resolved: Extract<Resolved, { ok: true }>, now: Date): RunSelection {
  const namespace = pt.metadata.namespace ?? '';
  const ns = ctx.caches.namespaces.get(namespace);
  if (!ns)
    return {
      ok: false,
      blocker: { type: 'Selected', reason: 'NamespaceNotFound', message: `namespace ${namespace} is not in the cache yet` },
    };
  const config = resolved.config;
  const pods = ctx.caches.pods.list(namespace);
  const selection = selectTargets(pt, config, ns, pods);
  if (!selection.ok) return { ok: false, blocker: { type: 'Selected', reason: selection.reason, message: selection.message } };

  const budget = config.disruptive ? budgetRefusal(selection.targets, pods, ctx.caches.budgets.list(namespace)) : undefined;
  if (budget) return { ok: false, blocker: { type: 'Selected', reason: 'DisruptionBudgetExceeded', message: budget.message } };

  const capped = findCappedPod(config, selection.targets, pods);
  if (capped) {
    return {
      ok: false,
      blocker: {
        type: 'Selected',
        reason: 'EphemeralContainerCapReached',
        message: `pod ${capped.pod} already carries ${capped.carried} ${config.tool.name} containers, the PowerToolConfig's maxPerPod; ephemeral containers are removed only with the pod, so restart it to run this tool there again`,
      },
    };
  }

  const self: ActiveRun = { name: pt.metadata.name, tool: config.tool.name, exclusive: config.exclusive, targets: selection.targets };
  const conflict = findConflict(self, activeRuns(ctx, namespace));
  if (conflict) {
    return {
      ok: false,
      blocker: {
        type: 'Conflicted',
        reason: 'TargetBusy',
        message: `PowerTool ${conflict.run} is already running on pod ${conflict.pod}; wait for it to finish or delete it`,
      },
    };
  }

  const deadline = new Date(now.getTime() + resolved.durationMs);
  // An evict tool runs no container, so its targets name none.
  const targets: TargetStatus[] = selection.targets.map((t) =>
    selectedTarget(t, config.action === 'evict' ? '' : ephemeralName(config.tool.name, pt.metadata.uid, t.podUID)),
  );
  if (!pt.spec.dryRun || config.action === 'evict') return { ok: true, targets, deadline: deadline.toISOString() };
  const rendered = selection.targets.map((t) => {
    const collector = pt.spec.output.mode === 'collector' ? { url: ctx.collectorUrl ?? '', token: '[issued at injection]' } : undefined;
    const c = redactContainer(
      renderContainer({ pt, tool: resolved.tool, target: t, durationMs: resolved.durationMs, deadline, collector }),
    );
    return { pod: t.pod, ephemeralContainer: JSON.parse(JSON.stringify(c)) as Record<string, unknown> };
  });
  return { ok: true, targets, deadline: deadline.toISOString(), rendered };
}

/**
 * Other runs in the namespace that hold targets not settled yet, with their tools' exclusivity. A target whose undo
 * still runs holds its pod: the undo removes what the tool added by name (network: the root qdisc 7e0e:), which a
 * new run of the same tool would reuse.
 */
function activeRuns(ctx: PowerToolContext, namespace: string): ActiveRun[] {
  const runs: ActiveRun[] = [];
  for (const other of ctx.caches.powerTools.list(namespace)) {
    const targets = (other.status?.targets ?? []).filter((t) => !targetSettled(t));
    if (targets.length === 0 || other.spec?.dryRun) continue;
    // The run's record says; only a run selected before records existed needs its config looked up.
    const exclusive =
      other.status?.resolvedTool?.exclusive ??
      findConfig(ctx.caches.configs, ctx.operatorNamespace, other.spec.tool.name)?.spec?.exclusive === true;
    runs.push({ name: other.metadata.name, tool: other.spec.tool.name, exclusive, targets });
  }
  return runs;
}
