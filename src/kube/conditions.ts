import type { Condition } from '../api/meta.ts';

export type ConditionInput = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

/**
 * Sets a condition as apimachinery's meta.SetStatusCondition does: lastTransitionTime moves only when status
 * flips, so `kubectl describe` shows how long a state has held. Returns a new list; the input is untouched.
 */
export function setCondition(
  list: readonly Condition[] | undefined,
  next: ConditionInput,
  generation: number | undefined,
  now: Date,
): Condition[] {
  const current = (list ?? []).find((c) => c.type === next.type);
  const merged: Condition = {
    ...next,
    observedGeneration: generation,
    lastTransitionTime: current && current.status === next.status ? current.lastTransitionTime : now.toISOString(),
  };
  if (generation === undefined) delete merged.observedGeneration;
  return [...(list ?? []).filter((c) => c.type !== next.type), merged].sort((a, b) => a.type.localeCompare(b.type));
}

export function findCondition(list: readonly Condition[] | undefined, type: string): Condition | undefined {
  return (list ?? []).find((c) => c.type === type);
}

export function isTrue(list: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(list, type)?.status === 'True';
}
