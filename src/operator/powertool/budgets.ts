import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { LabelSelector } from '../../api/index.ts';
import { matchesSelector } from '../../kube/selector.ts';

/**
 * PodDisruptionBudget awareness for disruptive tools (PowerToolConfig spec.disruptive): at selection, a run that
 * would disrupt more of the pods a budget covers than the budget allows now is refused, naming the budget, before
 * any pod is touched. The Eviction API applies the same budgets to pod-kill at eviction time; this check also holds
 * signal and memory to them, which end a pod's process without asking the API server. Pure.
 */

export interface BudgetRefusal {
  budget: string;
  message: string;
}

/**
 * Whether a budget covers a pod, with policy/v1 semantics: the budget's namespace only; an empty selector covers
 * every pod there, a missing one none (kubernetes pkg/controller/disruption, and the v1 API's field description).
 */
export function covers(pdb: V1PodDisruptionBudget, pod: V1Pod): boolean {
  if (pdb.metadata?.namespace !== pod.metadata?.namespace) return false;
  const selector = pdb.spec?.selector;
  if (selector === undefined || selector === null) return false;
  return matchesSelector(selector as LabelSelector, pod.metadata?.labels);
}

/** Disruptions the budget allows now: 0 until the disruption controller has computed its status for this spec. */
export function allowedNow(pdb: V1PodDisruptionBudget): { allowed: number; processed: boolean } {
  const processed = pdb.status !== undefined && (pdb.status.observedGeneration ?? 0) >= (pdb.metadata?.generation ?? 1);
  return { allowed: processed ? Math.max(0, pdb.status?.disruptionsAllowed ?? 0) : 0, processed };
}

/**
 * The first budget (by name) that the selected targets would take below its minimum: more targets covered than
 * status.disruptionsAllowed. Every target counts as one disruption, as the Eviction API counts it.
 */
export function budgetRefusal(
  targets: readonly { pod: string }[],
  pods: readonly V1Pod[],
  pdbs: readonly V1PodDisruptionBudget[],
): BudgetRefusal | undefined {
  const selected = targets.map((t) => pods.find((p) => p.metadata?.name === t.pod)).filter((p): p is V1Pod => p !== undefined);
  const sorted = [...pdbs].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const pdb of sorted) {
    const covered = selected.filter((p) => covers(pdb, p)).map((p) => p.metadata?.name ?? '');
    if (covered.length === 0) continue;
    const { allowed, processed } = allowedNow(pdb);
    if (covered.length <= allowed) continue;
    const name = pdb.metadata?.name ?? '';
    const list = covered.join(', ');
    const message = processed
      ? `PodDisruptionBudget "${name}" allows ${allowed} disruption(s) now (${pdb.status?.currentHealthy ?? 0} healthy, ${pdb.status?.desiredHealthy ?? 0} required) and this run would disrupt ${covered.length} pod(s) it covers (${list}): select fewer pods or wait until the workload is healthy; no pod was touched`
      : `PodDisruptionBudget "${name}" covers ${list} but the disruption controller has not computed its status yet, so it allows no disruption: try again once it has; no pod was touched`;
    return { budget: name, message };
  }
  return undefined;
}
