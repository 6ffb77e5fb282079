import { createHash } from 'node:crypto';
import type { V1EphemeralContainer, V1Pod } from '@kubernetes/client-node';
import type { PowerTool, ResolvedTool, TargetStatus } from '../../api/index.ts';
import { FATAL_WAITING, parseResult, toIso } from './observe.ts';
import { renderContainer } from './render.ts';
import { advance, type TargetEvent } from './target-phase.ts';

/**
 * The operator's undo of a fault whose tool died without undoing it (pure). A fault's state can outlive the tool's
 * processes (a qdisc in the pod's network namespace), and the kubelet's kill ends every process of the tool's
 * container, so nothing inside that container can clean up after a SIGKILL or an OOM kill: the operator runs the
 * config's spec.undo in one more ephemeral container, with the same image, command, TOE_RUN_ID and TOE_POD, so it
 * finds exactly what this run's tool added.
 */

/** How long the undo container may take; TOE_DURATION_SECONDS/TOE_DEADLINE for its runtime. */
const UNDO_BUDGET_MS = 30_000;

/**
 * `toe-undo-<id>`, from the tool's container name (itself derived from the run and pod UIDs): the same target always
 * gets the same name, so a second pass or a restarted operator finds it in the pod spec and never injects twice.
 * It does not start with `toe-<tool>-`, so it does not count towards the config's maxPerPod; a pod carries at most
 * one per tool container.
 */
export function undoContainerName(ephemeralContainer: string): string {
  return `toe-undo-${createHash('sha256').update(ephemeralContainer).digest('hex').slice(0, 8)}`;
}

/**
 * The tool's container terminated without its clean result: the target failed after its container ran (exit 137
 * from a SIGKILL or OOM kill, its target's PID 1 ending under it, a tool error). A refusal (exit 2 with the tool's
 * result) is the one failure that did nothing, by the runtime's contract (powertools/lib toe_refuse).
 */
export function endedWithoutCleanResult(t: TargetStatus): boolean {
  if (t.phase !== 'Failed' || !t.ephemeralContainer || t.exitCode === undefined) return false;
  return !(t.exitCode === 2 && typeof t.result?.exitReason === 'string');
}

/** The target with an undo to run, when its tool ended without its clean result and the tool has an undo. */
export function planUndo(t: TargetStatus, tool: Pick<ResolvedTool, 'undo'> | undefined, now: Date): TargetStatus {
  if (!tool?.undo || t.undo || !endedWithoutCleanResult(t)) return t;
  return advance(t, { type: 'UndoNeeded', at: now.toISOString(), container: undoContainerName(t.ephemeralContainer) });
}

/**
 * The undo container: the tool's own container as render.ts makes it, with the config's undo args instead of the
 * admitted ones, and output to its logs (its result, in the termination message, is all the operator reads). No
 * targetContainerName: the undo needs the pod's namespaces (network, volumes), not the target's processes, and a
 * target container that is restarting (one of the abrupt ends) must not keep it from starting.
 */
export function renderUndo(
  pt: PowerTool & { metadata: { uid?: string } },
  tool: ResolvedTool,
  t: Pick<TargetStatus, 'pod' | 'podUID' | 'container'> & { undo: { container: string } },
  now: Date,
): V1EphemeralContainer {
  const container = renderContainer({
    pt: { ...pt, spec: { ...pt.spec, output: { mode: 'logs' } } },
    tool: { ...tool, argv: [...(tool.undo?.args ?? [])] },
    target: { pod: t.pod, podUID: t.podUID ?? '', container: t.container },
    durationMs: UNDO_BUDGET_MS,
    deadline: new Date(now.getTime() + UNDO_BUDGET_MS),
  });
  delete container.targetContainerName;
  return { ...container, name: t.undo.container };
}

/** The target's undo as the pod tells it (through target-phase.ts); the record itself when nothing moved. */
export function observeUndo(t: TargetStatus, pod: V1Pod | undefined): TargetStatus {
  const event = undoEvent(t, pod);
  return event ? advance(t, event) : t;
}

function undoEvent(t: TargetStatus, pod: V1Pod | undefined): TargetEvent | undefined {
  const u = t.undo;
  if (!u) return undefined;
  if (!pod || (t.podUID && pod.metadata?.uid !== t.podUID)) return { type: 'UndoPodGone' };
  if (!(pod.spec?.ephemeralContainers ?? []).some((c) => c.name === u.container)) return undefined;
  const state = (pod.status?.ephemeralContainerStatuses ?? []).find((s) => s.name === u.container)?.state;
  if (state?.terminated) {
    const x = state.terminated;
    const result = parseResult(x.message);
    const said = typeof result?.message === 'string' ? String(result.message).slice(0, 4096) : undefined;
    return {
      type: 'UndoTerminated',
      exitCode: x.exitCode,
      reason: x.exitCode === 0 ? 'FaultUndone' : 'UndoFailed',
      message: said ?? (x.exitCode === 0 ? 'the fault was undone' : `the undo exited with code ${x.exitCode} (${x.reason ?? 'Error'})`),
      startedAt: toIso(x.startedAt),
      finishedAt: toIso(x.finishedAt),
    };
  }
  if (state?.running) return { type: 'UndoRunning', startedAt: toIso(state.running.startedAt) };
  const waiting = state?.waiting;
  return {
    type: 'UndoWaiting',
    reason: waiting?.reason,
    message: waiting?.message,
    fatal: !!waiting?.reason && FATAL_WAITING.has(waiting.reason),
  };
}
