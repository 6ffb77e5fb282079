import { z } from 'zod';
import { powerToolSpec } from './powertool.ts';
import { conditions, duration, kindHeader, type CrdPresentation } from './meta.ts';

/**
 * PowerToolScenario: ordered steps, each either PowerTools started together or a wait, e.g. baseline profile →
 * fault + profile → wait → check. Steps run one after another; a failed step stops the scenario, suspends what still
 * runs and skips the rest.
 *
 * Steady state: a step has no probes of its own. A PowerTool template carries spec.steadyState, and the PowerTool
 * controller checks it before the start, during the run and after it (failureThreshold, recoveryTimeout) and writes
 * the verdict (SteadyStateHeld) beside the run it belongs to, where the report's timeline already reads it. A
 * second prober in the scenario would be a second copy of those semantics; a "check" step is a PowerTool whose
 * probes must hold before it starts (it does not start, and fails the step, when they do not).
 */

/**
 * Each PowerTool is named `<scenario>-<step>-<index>`, and the scenario and step names are label values on it: 40 +
 * 1 + 20 + 1 + 1 keeps the name within 63 characters, so it is itself usable as a label value (reports select by it).
 */
export const MAX_SCENARIO_NAME = 40;
export const MAX_STEP_NAME = 20;
export const MAX_STEPS = 16;
export const MAX_TOOLS_PER_STEP = 8;

export const powerToolTemplate = z
  .object({
    metadata: z
      .object({
        labels: z
          .record(z.string(), z.string())
          .optional()
          .describe('Labels for the PowerTool (besides toe.dev/scenario and toe.dev/step).'),
        annotations: z.record(z.string(), z.string()).optional().describe('Annotations for the PowerTool.'),
      })
      .optional()
      .describe("Metadata the PowerTool gets; its name is the scenario's, the step's and its index."),
    spec: powerToolSpec,
  })
  .describe("A PowerTool the step creates, admitted against its tool's PowerToolConfig when the scenario is.");
export type PowerToolTemplate = z.infer<typeof powerToolTemplate>;

export const scenarioStep = z
  .object({
    name: z
      .string()
      .min(1)
      .max(MAX_STEP_NAME)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .describe('The step name, unique in the scenario: lower case letters, digits and "-", at most 20 characters.'),
    powerTools: z
      .array(powerToolTemplate)
      .min(1)
      .max(MAX_TOOLS_PER_STEP)
      .optional()
      .describe('PowerTools started together; the step ends when every one has ended (and its probes have recovered).'),
    wait: duration('Instead of powerTools: how long the step waits, e.g. for the system to settle.').optional(),
    baseline: z
      .boolean()
      .optional()
      .describe("This step's PowerTools are the baseline the others are compared with (at most one step; one with powerTools)."),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.powerTools) != has(self.wait)', message: 'a step sets exactly one of powerTools and wait' },
    ],
  })
  .describe('One step: PowerTools started together, or a wait.');
export type ScenarioStep = z.infer<typeof scenarioStep>;

export const powerToolScenarioSpec = z
  .object({
    steps: z
      .array(scenarioStep)
      .min(1)
      .max(MAX_STEPS)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })
      .describe('The steps, run in order; the next starts when the one before has succeeded.'),
    suspend: z
      .boolean()
      .default(false)
      .describe('Before the first step: hold. Once started: stop the scenario, suspend the PowerTools still running, skip the rest.'),
  })
  .describe('Run PowerTools in ordered steps; each is owned by this scenario.');
export type PowerToolScenarioSpec = z.infer<typeof powerToolScenarioSpec>;

export const scenarioPhases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Aborted'] as const;
export type ScenarioPhase = (typeof scenarioPhases)[number];
export const stepPhases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Aborted', 'Skipped'] as const;
export type StepPhase = (typeof stepPhases)[number];

export const stepStatus = z
  .object({
    name: z.string().max(MAX_STEP_NAME).describe('The step.'),
    phase: z
      .enum(stepPhases)
      .describe('Pending, Running, Succeeded, Failed, Aborted (stopped by spec.suspend or an EmergencyStop) or Skipped.'),
    powerTools: z.array(z.string().max(63)).max(MAX_TOOLS_PER_STEP).optional().describe("The step's PowerTools."),
    startedAt: z.string().optional().describe('When the step started (RFC 3339).'),
    finishedAt: z.string().optional().describe('When the step ended (RFC 3339).'),
    message: z.string().max(4096).optional().describe('What happened, for humans.'),
  })
  .describe('The record of one step.');
export type StepStatus = z.infer<typeof stepStatus>;

export const powerToolScenarioStatus = z
  .object({
    phase: z.enum(scenarioPhases).optional().describe('A summary for kubectl, derived from the steps.'),
    observedGeneration: z.number().int().min(0).optional().describe('The generation the status describes.'),
    conditions: conditions.optional(),
    currentStep: z.string().max(MAX_STEP_NAME).optional().describe('The step running now, or the one that ended the scenario.'),
    baseline: z
      .array(z.string().max(63))
      .max(MAX_TOOLS_PER_STEP)
      .optional()
      .describe("The baseline step's PowerTools, once created: what a report compares the other steps with."),
    startedAt: z.string().optional().describe('When the first step started (RFC 3339).'),
    finishedAt: z.string().optional().describe('When the scenario ended (RFC 3339).'),
    steps: z
      .array(stepStatus)
      .max(MAX_STEPS)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })
      .describe('One record per step, in order.'),
  })
  .describe('What the scenario did and is doing.');
export type PowerToolScenarioStatus = z.infer<typeof powerToolScenarioStatus>;

export const powerToolScenario = z
  .object({
    ...kindHeader('PowerToolScenario'),
    spec: powerToolScenarioSpec,
    status: powerToolScenarioStatus.optional(),
  })
  .describe('PowerToolScenario: PowerTools in ordered steps (serial), several per step (parallel), with waits and a baseline.');
export type PowerToolScenario = z.infer<typeof powerToolScenario>;

/** The labels every PowerTool of a scenario carries: its scenario's name and its step's. */
export const SCENARIO_LABEL = 'toe.dev/scenario';
export const SCENARIO_STEP_LABEL = 'toe.dev/step';

export const powerToolScenarioPresentation: CrdPresentation = {
  plural: 'powertoolscenarios',
  singular: 'powertoolscenario',
  // pts is the schedule's.
  shortNames: ['ptsc'],
  categories: ['toe'],
  printerColumns: [
    { name: 'Step', type: 'string', jsonPath: '.status.currentStep', description: 'The step running now, or the last one.' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Summary of the scenario.' },
    { name: 'Suspend', type: 'boolean', jsonPath: '.spec.suspend', description: 'Whether the scenario is stopped.', priority: 1 },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' },
  ],
};
