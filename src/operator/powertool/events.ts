import type { V1ObjectReference } from '@kubernetes/client-node';
import type { PowerTool, TargetStatus } from '../../api/index.ts';
import { API_VERSION } from '../../api/index.ts';
import type { EventSpec, Recorder } from '../../kube/recorder.ts';

/**
 * Every Event the PowerTool controller emits, one function each, so reasons are a closed list tests can assert.
 * Emitted on transitions only; per target one Event regards the PowerTool (related: the pod) and one the pod
 * (related: the PowerTool), so both `kubectl describe` views tell the story.
 */
export const reasons = {
  TargetsSelected: 'TargetsSelected',
  SelectionRefused: 'SelectionRefused',
  ArgsRefused: 'ArgsRefused',
  Conflicted: 'Conflicted',
  ToolInjected: 'ToolInjected',
  InjectionFailed: 'InjectionFailed',
  ToolStarted: 'ToolStarted',
  ToolSucceeded: 'ToolSucceeded',
  ToolFailed: 'ToolFailed',
  TargetGone: 'TargetGone',
  StoppingTool: 'StoppingTool',
  SignalNotDeliverable: 'SignalNotDeliverable',
  Evicted: 'Evicted',
  EvictionRefused: 'EvictionRefused',
  RunFinished: 'RunFinished',
  SteadyStateNotHeld: 'SteadyStateNotHeld',
  SteadyStateBreached: 'SteadyStateBreached',
  SteadyStateVerdict: 'SteadyStateVerdict',
  EmergencyStopRefused: 'EmergencyStopRefused',
  FaultUndone: 'FaultUndone',
  UndoFailed: 'UndoFailed',
} as const;

type Pt = PowerTool & { metadata: { uid?: string; namespace?: string } };

export function ptRef(pt: Pt): V1ObjectReference {
  return { apiVersion: API_VERSION, kind: 'PowerTool', name: pt.metadata.name, namespace: pt.metadata.namespace, uid: pt.metadata.uid };
}

function podRef(pt: Pt, t: TargetStatus): V1ObjectReference {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    name: t.pod,
    namespace: pt.metadata.namespace,
    uid: t.podUID,
    // A tool the operator performs itself (action evict) has no container in the pod to point at.
    ...(t.ephemeralContainer ? { fieldPath: `spec.ephemeralContainers{${t.ephemeralContainer}}` } : {}),
  };
}

export class PowerToolEvents {
  constructor(private readonly recorder: Recorder) {}

  private onRun(pt: Pt, type: EventSpec['type'], reason: string, action: string, note: string): void {
    this.recorder.emit({ regarding: ptRef(pt), type, reason, action, note });
  }

  private onTarget(pt: Pt, t: TargetStatus, type: EventSpec['type'], reason: string, action: string, note: string): void {
    this.recorder.emit({ regarding: ptRef(pt), related: podRef(pt, t), type, reason, action, note: `${t.pod}: ${note}` });
    this.recorder.emit({
      regarding: podRef(pt, t),
      related: ptRef(pt),
      type,
      reason,
      action,
      note: `PowerTool ${pt.metadata.name}: ${note}`,
    });
  }

  selected(pt: Pt, count: number): void {
    this.onRun(pt, 'Normal', reasons.TargetsSelected, 'Select', `${count} pod(s) selected for ${pt.spec.tool.name}`);
  }
  selectionRefused(pt: Pt, message: string): void {
    this.onRun(pt, 'Warning', reasons.SelectionRefused, 'Select', message);
  }
  argsRefused(pt: Pt, message: string): void {
    this.onRun(pt, 'Warning', reasons.ArgsRefused, 'Admit', message);
  }
  emergencyStopRefused(pt: Pt, message: string): void {
    this.onRun(pt, 'Warning', reasons.EmergencyStopRefused, 'Select', message);
  }
  conflicted(pt: Pt, message: string): void {
    this.onRun(pt, 'Warning', reasons.Conflicted, 'Select', message);
  }
  injected(pt: Pt, t: TargetStatus): void {
    this.onTarget(pt, t, 'Normal', reasons.ToolInjected, 'Inject', `injected ${t.ephemeralContainer} targeting container ${t.container}`);
  }
  injectionFailed(pt: Pt, t: TargetStatus, message: string): void {
    this.onTarget(pt, t, 'Warning', reasons.InjectionFailed, 'Inject', message);
  }
  started(pt: Pt, t: TargetStatus): void {
    this.onTarget(pt, t, 'Normal', reasons.ToolStarted, 'Run', `${t.ephemeralContainer} is running`);
  }
  ended(pt: Pt, t: TargetStatus): void {
    if (t.phase === 'Gone') return this.onRun(pt, 'Warning', reasons.TargetGone, 'Run', t.message ?? `pod ${t.pod} is gone`);
    if (t.reason === 'Evicted') return this.onTarget(pt, t, 'Normal', reasons.Evicted, 'Evict', t.message ?? 'evicted');
    if (t.reason === 'EvictionRefused')
      return this.onTarget(pt, t, 'Warning', reasons.EvictionRefused, 'Evict', t.message ?? 'eviction refused by a PodDisruptionBudget');
    if (t.reason === 'SignalNotDeliverable')
      return this.onTarget(pt, t, 'Warning', reasons.SignalNotDeliverable, 'Run', t.message ?? 'the signal cannot be delivered');
    const ok = t.phase === 'Succeeded' || t.phase === 'Stopped';
    const note = !t.ephemeralContainer
      ? (t.message ?? t.reason ?? t.phase)
      : ok
        ? `${t.ephemeralContainer} finished (${t.reason ?? 'Completed'})`
        : `${t.ephemeralContainer} failed with exit code ${t.exitCode ?? '?'}: ${t.message ?? t.reason ?? ''}`;
    this.onTarget(pt, t, ok ? 'Normal' : 'Warning', ok ? reasons.ToolSucceeded : reasons.ToolFailed, 'Run', note);
  }
  stopping(pt: Pt, t: TargetStatus, why: string): void {
    this.onTarget(pt, t, 'Normal', reasons.StoppingTool, 'Stop', `stopping ${t.ephemeralContainer}: ${why}`);
  }
  faultUndone(pt: Pt, t: TargetStatus): void {
    const note = `${t.ephemeralContainer} ended without its clean result; ${t.undo?.container} undid its fault: ${t.undo?.message ?? ''}`;
    this.onTarget(pt, t, 'Normal', reasons.FaultUndone, 'Undo', note);
  }
  undoFailed(pt: Pt, t: TargetStatus): void {
    const note = `${t.ephemeralContainer} ended without its clean result and ${t.undo?.container ?? 'the undo'} could not undo its fault (${t.undo?.message ?? t.undo?.reason ?? ''}); remove it by hand: see the tool's README`;
    this.onTarget(pt, t, 'Warning', reasons.UndoFailed, 'Undo', note);
  }
  finished(pt: Pt, phase: string, summary: string): void {
    this.onRun(pt, phase === 'Succeeded' ? 'Normal' : 'Warning', reasons.RunFinished, 'Finish', `${phase}: ${summary}`);
  }
  steadyStateNotHeld(pt: Pt, message: string): void {
    this.onRun(pt, 'Warning', reasons.SteadyStateNotHeld, 'Probe', `not started: ${message}`);
  }
  steadyStateBreached(pt: Pt, probe: string, value: string): void {
    this.onRun(pt, 'Warning', reasons.SteadyStateBreached, 'Probe', `probe ${probe} breached (${value}): aborting the run`);
  }
  steadyStateVerdict(pt: Pt, held: boolean, message: string): void {
    this.onRun(pt, held ? 'Normal' : 'Warning', reasons.SteadyStateVerdict, 'Probe', message);
  }
}
