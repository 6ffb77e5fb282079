/**
 * What one pass of a PowerToolScenario should do. Pure: the steps, the recorded step status, the PowerTools the
 * scenario owns (by name), the emergency stop and `now` in; the new step records and what to create or suspend out.
 *
 * A step's outcome, once recorded, is kept (Succeeded, Failed, Aborted, Skipped): a finished PowerTool may be
 * deleted afterwards (ttlSecondsAfterFinished, a user) and must not run again. The running step is judged from its
 * PowerTools, which the deterministic names `<scenario>-<step>-<index>` find again after a restart, so a create
 * repeated after a lost status write collides instead of starting a second run.
 */
import type {
  Condition,
  PowerToolPhase,
  PowerToolScenarioStatus,
  ScenarioPhase,
  ScenarioStep,
  SteadyStateStage,
  StepStatus,
} from '../../api/index.ts';
import { parseDuration } from '../../api/units.ts';

/** What the plan needs of one PowerTool. */
export interface Tool {
  name: string;
  /** Controlled by this scenario (ownerReference with its uid). */
  owned: boolean;
  phase?: PowerToolPhase;
  suspended: boolean;
  /** status.steadyState.stage: During or After means its probes are still being checked. */
  steadyStage?: SteadyStateStage;
  /** The SteadyStateHeld condition, when the PowerTool has probes. */
  held?: Pick<Condition, 'status' | 'reason' | 'message'>;
}

export interface PlanInput {
  scenario: string;
  steps: ScenarioStep[];
  suspend: boolean;
  /** The active EmergencyStop, described for messages; undefined when none is. */
  emergencyStop?: string;
  previous?: PowerToolScenarioStatus;
  tools: ReadonlyMap<string, Tool>;
  /** PowerTools whose create the API server refused (admission), with its message: they fail their step. */
  refused?: ReadonlyMap<string, string>;
  now: number;
}

export interface Plan {
  phase: ScenarioPhase;
  steps: StepStatus[];
  currentStep?: string;
  /** The PowerTools to create now: the running step's that do not exist. */
  create: { step: number; index: number; name: string }[];
  /** PowerTools still running that the scenario stops (spec.suspend on each). */
  suspend: string[];
  /** Names recorded as created that are not there: confirm against the API server before judging them deleted. */
  missing: string[];
  /** Why it ended (or holds), for the Completed condition. */
  outcome: { status: Condition['status']; reason: string; message: string };
  /** When a wait ends. */
  requeueAfterMs?: number;
}

const FAILED: ReadonlySet<string> = new Set(['Failed', 'Aborted', 'Conflicted']);
const ENDED: ReadonlySet<string> = new Set(['Succeeded', 'DryRun', ...FAILED]);
const RECORDED: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Aborted', 'Skipped']);

export const toolName = (scenario: string, step: string, index: number): string => `${scenario}-${step}-${index}`;

/** Ended, and its probes (if any) have given their verdict. */
export const toolEnded = (t: Tool): boolean =>
  t.phase !== undefined && ENDED.has(t.phase) && t.steadyStage !== 'During' && t.steadyStage !== 'After';

/** Why a PowerTool fails its step, or undefined. */
export function toolFailure(t: Tool): string | undefined {
  if (t.phase && FAILED.has(t.phase))
    return `PowerTool ${t.name} ended ${t.phase}${t.held?.status === 'False' ? `: ${t.held.message}` : ''}`;
  if (t.held?.status === 'False') return `PowerTool ${t.name}: steady state ${t.held.reason}: ${t.held.message}`;
  return undefined;
}

export function plan(input: PlanInput): Plan {
  const { now } = input;
  const at = new Date(now).toISOString();
  const prev = new Map((input.previous?.steps ?? []).map((s) => [s.name, s]));
  const started = (input.previous?.steps ?? []).some((s) => s.startedAt !== undefined);
  const halt = input.emergencyStop ?? (input.suspend && started ? 'spec.suspend is set' : undefined);
  const out: Plan = {
    phase: 'Pending',
    steps: [],
    create: [],
    suspend: [],
    missing: [],
    outcome: { status: 'Unknown', reason: 'Pending', message: 'waiting to start' },
  };
  // Set once a step failed or the scenario was stopped: every later step is Skipped.
  let ended: { phase: 'Failed' | 'Aborted'; step: string; message: string } | undefined;

  input.steps.forEach((step, i) => {
    const before = prev.get(step.name);
    const record: StepStatus = { name: step.name, phase: 'Pending', ...(before?.powerTools ? { powerTools: before.powerTools } : {}) };
    if (before?.startedAt) record.startedAt = before.startedAt;
    if (before && RECORDED.has(before.phase)) {
      out.steps.push(before);
      if (before.phase === 'Failed' || before.phase === 'Aborted')
        ended ??= { phase: before.phase, step: step.name, message: before.message ?? `step ${step.name} ${before.phase}` };
      if (before.phase !== 'Skipped') out.currentStep = step.name;
      return;
    }
    const previousDone = out.steps.every((s) => s.phase === 'Succeeded');
    if (ended || !previousDone) {
      out.steps.push(ended ? { ...record, phase: 'Skipped', finishedAt: at } : record);
      return;
    }
    if (input.suspend && !started) {
      out.steps.push(record);
      out.outcome = { status: 'Unknown', reason: 'Suspended', message: 'spec.suspend holds the scenario before its first step' };
      return;
    }
    out.currentStep = step.name;
    if (halt) {
      const names = step.powerTools?.map((_, j) => toolName(input.scenario, step.name, j)) ?? [];
      for (const n of names) {
        const t = input.tools.get(n);
        if (t?.owned && !toolEnded(t) && !t.suspended) out.suspend.push(n);
      }
      // Aborted even when it had not started: the record must say why the rest were skipped after a restart, when
      // the stop may be gone.
      const message = record.startedAt ? `stopped: ${halt}` : `not started: ${halt}`;
      out.steps.push({ ...record, phase: 'Aborted', finishedAt: at, message });
      ended = { phase: 'Aborted', step: step.name, message };
      return;
    }
    const judged = step.powerTools ? judgeTools(input, step, before) : judgeWait(step, record, now);
    out.create.push(...judged.create.map((c) => ({ step: i, ...c })));
    out.suspend.push(...judged.suspend);
    out.missing.push(...judged.missing);
    if (judged.requeueAfterMs !== undefined) out.requeueAfterMs = judged.requeueAfterMs;
    const next: StepStatus = { ...record, phase: judged.phase, startedAt: record.startedAt ?? at };
    if (judged.powerTools) next.powerTools = judged.powerTools;
    if (judged.message) next.message = judged.message;
    if (judged.phase === 'Succeeded' || judged.phase === 'Failed') next.finishedAt = at;
    out.steps.push(next);
    if (judged.phase === 'Failed') ended = { phase: 'Failed', step: step.name, message: judged.message ?? `step ${step.name} failed` };
  });

  const kept = input.previous?.conditions?.find((c) => c.type === 'Completed');
  if (ended && input.previous?.phase === ended.phase && kept?.status === 'True') {
    // Ended in an earlier pass: keep its verdict (an EmergencyStop cleared since does not turn it into a suspend).
    out.phase = ended.phase;
    out.outcome = { status: 'True', reason: kept.reason, message: kept.message };
  } else if (ended) {
    out.phase = ended.phase;
    out.outcome = {
      status: 'True',
      reason: ended.phase === 'Failed' ? 'StepFailed' : input.emergencyStop ? 'EmergencyStop' : 'Suspended',
      message: `step ${ended.step}: ${ended.message}`,
    };
  } else if (out.steps.length > 0 && out.steps.every((s) => s.phase === 'Succeeded')) {
    out.phase = 'Succeeded';
    out.outcome = { status: 'True', reason: 'AllSucceeded', message: `all ${out.steps.length} steps succeeded` };
  } else if (out.steps.some((s) => s.startedAt !== undefined)) {
    out.phase = 'Running';
    out.outcome = { status: 'Unknown', reason: 'Running', message: `step ${out.currentStep} is running` };
  }
  return out;
}

interface Judged {
  phase: 'Running' | 'Succeeded' | 'Failed';
  powerTools?: string[];
  message?: string;
  create: { index: number; name: string }[];
  suspend: string[];
  missing: string[];
  requeueAfterMs?: number;
}

function judgeTools(input: PlanInput, step: ScenarioStep, before: StepStatus | undefined): Judged {
  const names = (step.powerTools ?? []).map((_, j) => toolName(input.scenario, step.name, j));
  const judged: Judged = { phase: 'Running', powerTools: names, create: [], suspend: [], missing: [] };
  const failures: string[] = [];
  names.forEach((n, index) => {
    const t = input.tools.get(n);
    const refusal = input.refused?.get(n);
    if (!t && refusal) return void failures.push(`could not create PowerTool ${n}: ${refusal}`);
    if (!t) {
      if (before?.powerTools?.includes(n)) judged.missing.push(n);
      else judged.create.push({ index, name: n });
      return;
    }
    if (!t.owned) failures.push(`a PowerTool named ${n} exists and is not owned by this scenario; delete it or rename the step`);
    const why = t.owned ? toolFailure(t) : undefined;
    if (why) failures.push(why);
  });
  // Recorded as created and not found: the caller re-plans on what the API server holds before acting on this.
  if (judged.missing.length > 0) failures.push(`PowerTool ${judged.missing.join(', ')} was deleted before it ended`);
  if (failures.length > 0) {
    judged.phase = 'Failed';
    judged.message = failures.join('; ');
    judged.create = [];
    for (const n of names) {
      const t = input.tools.get(n);
      if (t?.owned && !toolEnded(t) && !t.suspended) judged.suspend.push(n);
    }
    return judged;
  }
  if (judged.create.length === 0 && judged.missing.length === 0 && names.every((n) => toolEnded(input.tools.get(n) as Tool))) {
    judged.phase = 'Succeeded';
    judged.message = `${names.length} PowerTool(s) succeeded`;
  }
  return judged;
}

function judgeWait(step: ScenarioStep, record: StepStatus, now: number): Judged {
  const startedAt = record.startedAt ? Date.parse(record.startedAt) : now;
  const end = startedAt + (parseDuration(step.wait ?? '0s') ?? 0);
  if (now >= end) return { phase: 'Succeeded', message: `waited ${step.wait}`, create: [], suspend: [], missing: [] };
  return { phase: 'Running', message: `waiting ${step.wait}`, create: [], suspend: [], missing: [], requeueAfterMs: end - now };
}
