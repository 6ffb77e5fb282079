/**
 * Which of a run's targets can still be read, and what to tell the reader about the rest: pure, so the rules are
 * the same whether the pods come from an informer cache (the controller) or from the API server (the quickstart).
 */
import type { EventsV1Event, V1Pod } from '@kubernetes/client-node';
import type { TargetStatus } from '../../src/api/index.ts';

/** Target phases in which the tool ran and may have written something. */
const RAN = new Set(['Succeeded', 'Failed', 'Stopped']);

export const ran = (t: TargetStatus): boolean => RAN.has(t.phase);

/**
 * The target pods that still exist as the pods the run targeted: a pod recreated under the same name (a new UID)
 * is another pod, its state says nothing about the run.
 */
export function targetPods(targets: readonly TargetStatus[], found: readonly (V1Pod | undefined)[]): V1Pod[] {
  return found.filter(
    (p): p is V1Pod =>
      p !== undefined &&
      (!p.metadata?.uid || targets.some((t) => t.pod === p.metadata?.name && (!t.podUID || t.podUID === p.metadata?.uid))),
  );
}

/** One note naming (the first few of) the targets whose pods are gone, or none. */
export function missingPodNotes(targets: readonly TargetStatus[], pods: readonly V1Pod[]): string[] {
  const gone = targets.filter((t) => !pods.some((p) => p.metadata?.name === t.pod)).map((t) => t.pod);
  if (gone.length === 0) return [];
  return [`${gone.length} target pod(s) no longer exist (${gone.slice(0, 5).join(', ')}): their current state is not in this report.`];
}

/** Events about the PowerTool or its target pods, the newest `max` kept (the API lists oldest first). */
export function relatedEvents(items: readonly EventsV1Event[], uids: readonly (string | undefined)[], max: number): EventsV1Event[] {
  const wanted = new Set(uids.filter(Boolean));
  return items.filter((e) => e.regarding?.uid && wanted.has(e.regarding.uid)).slice(-max);
}

/** A note when the log served fewer bytes than the tool declared writing (the kubelet rotated it), or none. */
export function shortLogNote(pod: string, name: string, got: number, declared: number | undefined): string | undefined {
  if (declared === undefined || got >= declared) return undefined;
  return `${pod}/${name}: the log held ${got} of its ${declared} bytes (the kubelet rotates container logs; use output mode collector for large artifacts).`;
}
