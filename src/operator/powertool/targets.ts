import type { V1Namespace, V1Pod } from '@kubernetes/client-node';
import type { PowerTool, PowerToolConfigSpec } from '../../api/index.ts';
import { isEmptySelector, matchesSelector, selectorString } from '../../kube/selector.ts';

/** The label by which a namespace opts in to PowerTools. */
export const OPT_IN_LABEL = 'toe.dev/allow-powertools';

export interface SelectedTarget {
  pod: string;
  podUID: string;
  container: string;
}

export type Refusal = { reason: 'NamespaceNotAllowed' | 'BlastRadiusExceeded' | 'NoTargets' | 'EmptySelector'; message: string };
export type Selection = { ok: true; targets: SelectedTarget[] } | ({ ok: false } & Refusal);

export function namespaceAllowed(ns: V1Namespace, config: PowerToolConfigSpec): boolean {
  const labels = ns.metadata?.labels ?? {};
  if (labels[OPT_IN_LABEL] === 'true') return true;
  if (config.allowedNamespaces?.includes(ns.metadata?.name ?? '')) return true;
  return (
    config.namespaceSelector !== undefined &&
    !isEmptySelector(config.namespaceSelector) &&
    matchesSelector(config.namespaceSelector, labels)
  );
}

/** The container a target uses: the one named, else the pod's first (as kubectl debug does). */
export function targetContainer(pod: V1Pod, wanted: string | undefined): string | undefined {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  return wanted === undefined ? names[0] : names.includes(wanted) ? wanted : undefined;
}

function containerRunning(pod: V1Pod, container: string): boolean {
  return (pod.status?.containerStatuses ?? []).some((s) => s.name === container && s.state?.running !== undefined);
}

/**
 * Chooses the targets once, at the start: matching, Running, not terminating pods whose container runs. Exceeding
 * the blast radius refuses the whole run rather than truncating it: a user who asked for "these pods" must not
 * silently get some of them.
 */
export function selectTargets(pt: PowerTool, config: PowerToolConfigSpec, ns: V1Namespace, pods: readonly V1Pod[]): Selection {
  const spec = pt.spec.targets;
  if (!namespaceAllowed(ns, config)) {
    return {
      ok: false,
      reason: 'NamespaceNotAllowed',
      message: `namespace ${ns.metadata?.name} has not opted in: label it ${OPT_IN_LABEL}=true or list it in the ${config.tool.name} PowerToolConfig's allowedNamespaces`,
    };
  }
  if (isEmptySelector(spec.selector) && (spec.pods ?? []).length === 0) {
    return {
      ok: false,
      reason: 'EmptySelector',
      message: 'spec.targets.selector is empty and no pods are named: an empty selector would match every pod, so it is refused',
    };
  }
  const bySelector = pods.filter((p) => matchesSelector(spec.selector, p.metadata?.labels));
  const named = spec.pods && spec.pods.length > 0 ? bySelector.filter((p) => spec.pods?.includes(p.metadata?.name ?? '')) : bySelector;
  if (named.length > spec.maxTargets) {
    return {
      ok: false,
      reason: 'BlastRadiusExceeded',
      message: `${named.length} pods match but spec.targets.maxTargets is ${spec.maxTargets}: narrow the selector (${selectorString(spec.selector)}) or raise maxTargets`,
    };
  }
  if (spec.maxPercent !== undefined && bySelector.length > 0 && (named.length * 100) / bySelector.length > spec.maxPercent) {
    return {
      ok: false,
      reason: 'BlastRadiusExceeded',
      message: `${named.length} of ${bySelector.length} matching pods is ${Math.ceil((named.length * 100) / bySelector.length)}%, above spec.targets.maxPercent ${spec.maxPercent}%`,
    };
  }
  const targets: SelectedTarget[] = [];
  for (const pod of named) {
    if (pod.status?.phase !== 'Running' || pod.metadata?.deletionTimestamp) continue;
    const container = targetContainer(pod, spec.container);
    if (container === undefined || !containerRunning(pod, container)) continue;
    targets.push({ pod: pod.metadata?.name ?? '', podUID: pod.metadata?.uid ?? '', container });
  }
  if (targets.length === 0) {
    const what = spec.container ? `with a running container "${spec.container}"` : 'with a running first container';
    return {
      ok: false,
      reason: 'NoTargets',
      message: `no Running pod ${what} matches ${selectorString(spec.selector) || 'the named pods'} in ${ns.metadata?.name} (${named.length} matched)`,
    };
  }
  return { ok: true, targets: targets.sort((a, b) => a.pod.localeCompare(b.pod)) };
}

/**
 * A selected pod that already carries the config's maxPerPod containers of this tool. Ephemeral containers stay
 * until the pod goes, so each run on a pod adds one for good: the cap bounds what a pod accumulates.
 */
export function findCappedPod(
  config: Pick<PowerToolConfigSpec, 'tool' | 'maxPerPod'>,
  targets: readonly SelectedTarget[],
  pods: readonly V1Pod[],
): { pod: string; carried: number } | undefined {
  const prefix = `toe-${config.tool.name}-`;
  for (const t of targets) {
    const pod = pods.find((p) => p.metadata?.name === t.pod);
    const carried = (pod?.spec?.ephemeralContainers ?? []).filter((c) => c.name.startsWith(prefix)).length;
    if (carried >= config.maxPerPod) return { pod: t.pod, carried };
  }
  return undefined;
}

export interface ActiveRun {
  name: string;
  tool: string;
  exclusive: boolean;
  targets: { pod: string; container: string }[];
}

/**
 * Another active run conflicts when it already holds the same pod and container and either run is exclusive or
 * both run the same tool (two perf sessions fight over the same samples; two fills double-count). Holding wins:
 * the run that selected first keeps its targets, the newcomer is Conflicted and touches nothing.
 */
export function findConflict(self: ActiveRun, others: readonly ActiveRun[]): { run: string; pod: string } | undefined {
  for (const other of others) {
    if (other.name === self.name) continue;
    if (!(self.exclusive || other.exclusive || self.tool === other.tool)) continue;
    // An exclusive tool holds the whole pod: its containers share one network namespace (a network fault's qdisc
    // and rules), and a signal to one can end them all. The same non-exclusive tool conflicts per container.
    const wholePod = self.exclusive || other.exclusive;
    const shared = self.targets.find((t) => other.targets.some((o) => o.pod === t.pod && (wholePod || o.container === t.container)));
    if (shared) return { run: other.name, pod: shared.pod };
  }
  return undefined;
}
