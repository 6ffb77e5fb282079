import { isDeepStrictEqual } from 'node:util';

/**
 * What an UPDATE changed in a PowerTool's spec, and which changes a started run still accepts. Pure.
 *
 * Once tools run, the targets and argv they run with are history: changing the spec would make status describe a
 * run that never happened. Two fields act on the run instead of describing it and stay writable: `suspend` (abort)
 * and `ttlSecondsAfterFinished` (cleanup).
 */
export const MUTABLE_WHILE_RUNNING = ['spec.suspend', 'spec.ttlSecondsAfterFinished'] as const;

// Deep enough to say "spec.tool.args" or "spec.targets.selector" rather than "spec.tool", shallow enough that a
// changed selector expression does not list every key inside it.
const MAX_DEPTH = 3;

/** Dotted paths (spec.tool.args) whose values differ between two specs, in a stable order. */
export function changedFields(before: unknown, after: unknown, path = 'spec', depth = 1): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (depth >= MAX_DEPTH || !isPlainObject(before) || !isPlainObject(after)) return [path];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => changedFields(before[key], after[key], `${path}.${key}`, depth + 1));
}

/** The changes a run that has started refuses: everything but the fields that act on the run. */
export function forbiddenWhileRunning(changed: readonly string[]): string[] {
  return changed.filter((p) => !(MUTABLE_WHILE_RUNNING as readonly string[]).includes(p));
}

/** How many targets the old object's status records; a run has started once it records any. */
export function startedTargets(oldObject: unknown): number {
  const targets = (oldObject as { status?: { targets?: unknown } } | undefined)?.status?.targets;
  return Array.isArray(targets) ? targets.length : 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
