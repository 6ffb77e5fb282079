import type { V1ObjectReference } from '@kubernetes/client-node';
import { API_VERSION, type StepStatus } from '../../api/index.ts';
import type { Recorder } from '../../kube/recorder.ts';

/**
 * Every Event the PowerToolScenario controller emits, regarding the scenario (related: a step's first PowerTool),
 * on a step's transition and on the scenario's end. Warning only for what a user must look at: a failed step, a
 * stopped scenario, a PowerTool that could not be created.
 */
export const reasons = {
  StepStarted: 'StepStarted',
  StepSucceeded: 'StepSucceeded',
  StepFailed: 'StepFailed',
  StepAborted: 'StepAborted',
  ScenarioSucceeded: 'ScenarioSucceeded',
  ScenarioFailed: 'ScenarioFailed',
  ScenarioAborted: 'ScenarioAborted',
  FailedCreate: 'FailedCreate',
  InvalidScenario: 'InvalidScenario',
} as const;

type Ref = { name: string; namespace?: string; uid?: string };

const scenarioRef = (s: Ref): V1ObjectReference => ({
  apiVersion: API_VERSION,
  kind: 'PowerToolScenario',
  name: s.name,
  namespace: s.namespace,
  uid: s.uid,
});

export class ScenarioEvents {
  constructor(private readonly recorder: Recorder) {}

  private emit(s: Ref, type: 'Normal' | 'Warning', reason: string, action: string, note: string, related?: string): void {
    this.recorder.emit({
      regarding: scenarioRef(s),
      ...(related ? { related: { apiVersion: API_VERSION, kind: 'PowerTool', name: related, namespace: s.namespace } } : {}),
      type,
      reason,
      action,
      note,
    });
  }

  /** The Events of the steps whose phase moved between two records. */
  transitions(s: Ref, before: readonly StepStatus[], after: readonly StepStatus[]): void {
    for (const step of after) {
      const was = before.find((b) => b.name === step.name)?.phase ?? 'Pending';
      if (was === step.phase) continue;
      const tool = step.powerTools?.[0];
      const what = step.powerTools ? `PowerTool(s) ${step.powerTools.join(', ')}` : 'a wait';
      if (step.phase === 'Running') this.emit(s, 'Normal', reasons.StepStarted, 'Step', `step ${step.name} started: ${what}`, tool);
      if (step.phase === 'Succeeded') this.emit(s, 'Normal', reasons.StepSucceeded, 'Step', `step ${step.name} succeeded`, tool);
      if (step.phase === 'Failed')
        this.emit(s, 'Warning', reasons.StepFailed, 'Step', `step ${step.name} failed: ${step.message ?? ''}; the rest are skipped`, tool);
      if (step.phase === 'Aborted')
        this.emit(s, 'Warning', reasons.StepAborted, 'Step', `step ${step.name} ${step.message ?? 'stopped'}`, tool);
    }
  }
  ended(s: Ref, phase: string, message: string): void {
    if (phase === 'Succeeded') this.emit(s, 'Normal', reasons.ScenarioSucceeded, 'Scenario', message);
    if (phase === 'Failed') this.emit(s, 'Warning', reasons.ScenarioFailed, 'Scenario', `${message}; see the step's PowerTools`);
    if (phase === 'Aborted') this.emit(s, 'Warning', reasons.ScenarioAborted, 'Scenario', message);
  }
  failedCreate(s: Ref, name: string, message: string): void {
    this.emit(s, 'Warning', reasons.FailedCreate, 'Step', `could not create PowerTool ${name}: ${message}; fix spec.steps`);
  }
  invalid(s: Ref, message: string): void {
    this.emit(s, 'Warning', reasons.InvalidScenario, 'Scenario', `${message}; fix the spec`);
  }
}
