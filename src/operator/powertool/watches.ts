import type { V1Pod } from '@kubernetes/client-node';
import type { PowerTool } from '../../api/index.ts';

/**
 * Which PowerTools a pod event concerns: those whose status lists it as a target. Kept as an index updated on
 * PowerTool events, so a pod update costs a map lookup, not a scan of every PowerTool.
 */
export class TargetIndex {
  private readonly byPod = new Map<string, Set<string>>();
  private readonly byRun = new Map<string, string[]>();

  update(pt: PowerTool, deleted = false): void {
    const key = `${pt.metadata.namespace}/${pt.metadata.name}`;
    for (const pod of this.byRun.get(key) ?? []) this.byPod.get(pod)?.delete(key);
    this.byRun.delete(key);
    if (deleted) return;
    const pods = (pt.status?.targets ?? []).map((t) => `${pt.metadata.namespace}/${t.pod}`);
    this.byRun.set(key, pods);
    for (const pod of pods) {
      if (!this.byPod.has(pod)) this.byPod.set(pod, new Set());
      this.byPod.get(pod)?.add(key);
    }
  }

  keysForPod(pod: V1Pod): string[] {
    return [...(this.byPod.get(`${pod.metadata?.namespace}/${pod.metadata?.name}`) ?? [])];
  }
}
