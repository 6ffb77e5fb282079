import type { V1Pod } from '@kubernetes/client-node';
import type { Artifact, TargetStatus } from '../../api/index.ts';
import { advance, targetEnded, type TargetEvent } from './target-phase.ts';

/** The prefix of the tool's last stdout line; the same JSON goes to the termination message. */
export const RESULT_PREFIX = 'TOE-RESULT ';

/** Result reasons that mean the tool did its job, whatever its exit code. */
const FINISHED_REASONS = new Set(['Completed', 'Stopped', 'Deadline']);

/** Waiting reasons that will not fix themselves: the target fails rather than waiting forever. */
export const FATAL_WAITING: ReadonlySet<string> = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** The tool's result from its termination message: JSON, or the TOE-RESULT line when the log fallback was used. */
export function parseResult(message: string | undefined): Record<string, unknown> | undefined {
  if (!message) return undefined;
  const lines = message.trim().split('\n');
  const candidates = [message.trim(), ...lines.filter((l) => l.startsWith(RESULT_PREFIX)).map((l) => l.slice(RESULT_PREFIX.length))];
  for (const text of candidates.reverse()) {
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not JSON: try the next candidate
    }
  }
  return undefined;
}

function artifactsOf(result: Record<string, unknown> | undefined): Artifact[] | undefined {
  const list = result?.artifacts;
  if (!Array.isArray(list)) return undefined;
  const out: Artifact[] = [];
  for (const a of list.slice(0, 32)) {
    if (a === null || typeof a !== 'object') continue;
    const { name, bytes, partial, location } = a as Record<string, unknown>;
    if (typeof name !== 'string' || typeof bytes !== 'number') continue;
    out.push({
      name: name.slice(0, 253),
      bytes: Math.max(0, Math.floor(bytes)),
      partial: partial === true,
      ...(typeof location === 'string' ? { location: location.slice(0, 1024) } : {}),
    });
  }
  return out;
}

/**
 * The target's state as the pod tells it. The pod is the truth, not our last status: an operator that crashed
 * between the PATCH and its status write finds the container here and carries on. What the pod says becomes the
 * record's next state through target-phase.ts, which refuses moves back (an ended target stays ended).
 */
export function observeTarget(prev: TargetStatus, pod: V1Pod | undefined): TargetStatus {
  const event = podEvent(prev, pod);
  return event ? advance(prev, event) : prev;
}

/** What the pod says about the target, if anything. */
function podEvent(prev: TargetStatus, pod: V1Pod | undefined): TargetEvent | undefined {
  if (targetEnded(prev)) return undefined;
  if (!pod || (prev.podUID && pod.metadata?.uid !== prev.podUID)) return { type: 'PodGone' };
  const inSpec = (pod.spec?.ephemeralContainers ?? []).some((c) => c.name === prev.ephemeralContainer);
  // Ephemeral containers are never removed, so a target we injected that the cache does not show yet is a stale
  // cache, not a lost container.
  if (!inSpec) return undefined;
  const status = (pod.status?.ephemeralContainerStatuses ?? []).find((s) => s.name === prev.ephemeralContainer);
  const state = status?.state;
  if (state?.terminated) {
    const t = state.terminated;
    const result = parseResult(t.message);
    const partial = result?.partial === true;
    const artifacts = artifactsOf(result);
    return {
      type: 'ContainerTerminated',
      exitCode: t.exitCode,
      // A tool that published a finished result and was then killed still succeeded: when a signal ends the target's
      // PID 1, the kernel kills every process in that PID namespace, the tool too (exit 137), after its result.
      finished: typeof result?.exitReason === 'string' && FINISHED_REASONS.has(result.exitReason),
      reason: typeof result?.exitReason === 'string' ? String(result.exitReason) : (t.reason ?? (t.exitCode === 0 ? 'Completed' : 'Error')),
      message:
        typeof result?.message === 'string'
          ? String(result.message).slice(0, 4096)
          : t.exitCode === 0
            ? `completed${partial ? ' (partial data)' : ''}`
            : `exited with code ${t.exitCode}`,
      startedAt: toIso(t.startedAt),
      finishedAt: toIso(t.finishedAt),
      extra: { ...(result ? { result } : {}), ...(artifacts ? { artifacts } : {}) },
    };
  }
  if (state?.running) return { type: 'ContainerRunning', startedAt: toIso(state.running.startedAt) };
  const waiting = state?.waiting;
  return {
    type: 'ContainerWaiting',
    reason: waiting?.reason,
    message: waiting?.message,
    fatal: !!waiting?.reason && FATAL_WAITING.has(waiting.reason),
  };
}

export function toIso(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
