import { z } from 'zod';
import { powerToolConfigSpec } from './powertoolconfig.ts';
import { steadyStateSpec, steadyStateStatus } from './steady-state.ts';
import { conditions, dnsLabel, dnsSubdomain, duration, kindHeader, labelSelector, requester, type CrdPresentation } from './meta.ts';

export const outputModes = ['logs', 'pvc', 'collector'] as const;

export const powerToolSpec = z
  .object({
    targets: z
      .object({
        selector: labelSelector.describe('Pods in this namespace whose labels match are targets (Running pods only, chosen at the start).'),
        pods: z.array(dnsSubdomain).max(100).optional().describe('Narrow the selection to these pod names.'),
        container: dnsLabel
          .optional()
          .describe("The container to attach to (its process namespace is shared); defaults to the pod's first container."),
        maxTargets: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(10)
          .describe('The most pods this PowerTool may touch; more matches are refused, not truncated.'),
        maxPercent: z
          .number()
          .int()
          .min(1)
          .max(100)
          .optional()
          .describe('The largest share of the pods matched by the selector alone that may be targeted, in percent.'),
      })
      .describe('Which pods and container the tool runs against (the blast radius).'),
    tool: z
      .object({
        name: dnsLabel.describe("The tool, as named by a PowerToolConfig's spec.tool.name."),
        args: z
          .array(z.string().max(4096))
          .max(256)
          .default([])
          .describe("Arguments for the tool; each must be admitted by the PowerToolConfig's parameters."),
        duration: duration("How long the tool runs; defaults to the config's limits.defaultDuration.").optional(),
      })
      .describe('What to run.'),
    output: z
      .object({
        mode: z
          .enum(outputModes)
          .default('logs')
          .describe('logs: the container log; pvc: a volume of the target pod; collector: streamed to the TOE collector.'),
        volume: z
          .object({
            name: dnsLabel.describe('The name of a volume of the target pod (pod volumes cannot be added later).'),
            subPath: z
              .string()
              // No segment may start with a dot, which rules out "." and ".." (RE2 has no lookahead to be finer).
              .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/)
              .max(256)
              .optional()
              .describe('A relative directory within the volume; no segment may start with a dot, so ".." cannot climb out.'),
          })
          .optional()
          .describe('For mode pvc: where in the target pod the output goes.'),
      })
      .default({ mode: 'logs' })
      .meta({
        'x-kubernetes-validations': [{ rule: "self.mode != 'pvc' || has(self.volume)", message: 'output mode pvc needs output.volume' }],
      })
      .describe("Where the tool's output goes."),
    volume: z
      .object({ name: dnsLabel.describe('The name of a volume of the target pod that the tool acts on.') })
      .optional()
      .describe('For tools that act on a volume (fill-volume).'),
    steadyState: steadyStateSpec.optional(),
    dryRun: z
      .boolean()
      .default(false)
      .describe(
        'Resolve the targets and render the containers into status.rendered; inject nothing. For an evict tool (pod-kill): ask the Eviction API for a dry run, which checks the PodDisruptionBudgets and evicts nothing.',
      ),
    suspend: z.boolean().default(false).describe('Before the start: hold. During a run: stop every tool now and undo its fault.'),
    ttlSecondsAfterFinished: z
      .number()
      .int()
      .min(0)
      .max(31_536_000)
      .optional()
      .describe('Delete the PowerTool this many seconds after it finished.'),
  })
  .describe('Run a tool against the pods matching a selector, for a while, with arguments, and put the output somewhere.');
export type PowerToolSpec = z.infer<typeof powerToolSpec>;

export const powerToolPhases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Conflicted', 'DryRun', 'Aborted'] as const;
export type PowerToolPhase = (typeof powerToolPhases)[number];

export const targetPhases = ['Pending', 'Injected', 'Running', 'Succeeded', 'Failed', 'Stopped', 'Gone'] as const;
export type TargetPhase = (typeof targetPhases)[number];

export const artifact = z
  .object({
    name: z.string().max(253).describe("The artifact's file name."),
    bytes: z.number().int().min(0).describe('Its size in bytes.'),
    partial: z.boolean().describe('True when the tool was stopped before it finished collecting.'),
    location: z.string().max(1024).optional().describe('Where it is: a collector URL, a volume path, or "logs".'),
  })
  .describe('One piece of collected output.');
export type Artifact = z.infer<typeof artifact>;

export const undoPhases = ['Pending', 'Injected', 'Running', 'Succeeded', 'Failed', 'Gone'] as const;
export type UndoPhase = (typeof undoPhases)[number];

export const undoStatus = z
  .object({
    container: z.string().describe('The undo ephemeral container, toe-undo-<id>: one per target, never a second.'),
    phase: z
      .enum(undoPhases)
      .describe('Pending (to inject), Injected, Running, Succeeded (the fault is undone), Failed, Gone (the pod went first).'),
    attempts: z.number().int().min(0).optional().describe("Injection attempts so far; bounded like the tool's."),
    requestedAt: z.string().optional().describe('When the operator saw the tool end without its clean result (RFC 3339).'),
    startedAt: z.string().optional().describe('When the undo container started (RFC 3339).'),
    finishedAt: z.string().optional().describe('When the undo container terminated (RFC 3339).'),
    exitCode: z.number().int().optional().describe("The undo container's exit code."),
    reason: z.string().max(128).optional().describe('A CamelCase reason for the phase.'),
    message: z.string().max(4096).optional().describe('What the undo did or why it could not, for humans.'),
  })
  .describe("The operator's undo of a fault whose tool ended without its clean result (the PowerToolConfig's spec.undo).");
export type UndoStatus = z.infer<typeof undoStatus>;

export const targetStatus = z
  .object({
    pod: z.string().describe("The target pod's name."),
    podUID: z.string().optional().describe("The pod's UID when it was selected; a new pod of the same name is not the target."),
    container: z.string().describe('The container the tool attached to.'),
    ephemeralContainer: z
      .string()
      .describe(
        "The name of the tool's ephemeral container, toe-<tool>-<id>; empty for a tool the operator performs itself (action evict).",
      ),
    phase: z.enum(targetPhases).describe('Where this target is.'),
    attempts: z.number().int().min(0).optional().describe('Injection attempts so far; bounded, and kept across operator restarts.'),
    startedAt: z.string().optional().describe('When the tool started running (RFC 3339).'),
    finishedAt: z.string().optional().describe('When the tool terminated (RFC 3339).'),
    stopRequestedAt: z.string().optional().describe('When the operator asked the tool to stop early (RFC 3339).'),
    stopReason: z
      .enum(['Deadline', 'Suspended', 'Deleted', 'SteadyStateBreached', 'EmergencyStop'])
      .optional()
      .describe('Why the operator stopped the tool early.'),
    exitCode: z.number().int().optional().describe("The tool's exit code."),
    evictedAt: z.string().optional().describe('For action evict: when the Eviction API accepted the eviction of this pod (RFC 3339).'),
    refusedBy: z
      .array(z.string().max(253))
      .max(16)
      .optional()
      .describe('For action evict: the PodDisruptionBudgets that refused the eviction; it is never forced.'),
    reason: z.string().max(128).optional().describe('A CamelCase reason for the phase.'),
    message: z.string().max(4096).optional().describe('What happened, for humans.'),
    result: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ 'x-kubernetes-preserve-unknown-fields': true })
      .describe("The tool's final machine-readable result line (bytes, partial, the effect it measured)."),
    artifacts: z.array(artifact).max(32).optional().describe('What the tool collected.'),
    undo: undoStatus.optional(),
  })
  .describe('The run on one target pod.');
export type TargetStatus = z.infer<typeof targetStatus>;

const configField = powerToolConfigSpec.shape;

/**
 * The tool as resolved when the targets were selected, from the PowerToolConfig then current and the admitted args.
 * Every target is injected from this record, never from the config as it is later: an admin's edit mid-run does not
 * reach targets still pending, and a config deleted mid-run does not strand them (see resolve.ts `runTool`).
 */
export const resolvedTool = z
  .object({
    config: z.string().max(253).describe('The PowerToolConfig the run was resolved from.'),
    generation: z.number().int().min(0).optional().describe("That config's metadata.generation at selection."),
    resourceVersion: z.string().max(64).optional().describe("That config's metadata.resourceVersion at selection."),
    action: configField.action,
    image: configField.image,
    imagePullPolicy: configField.imagePullPolicy,
    command: configField.command,
    argv: z
      .array(z.string().max(4096))
      .max(1024)
      .describe("The container's args as admitted: the config's defaultArgs, then the user's args re-serialised."),
    env: configField.env,
    securityContext: configField.securityContext,
    resources: configField.resources,
    volume: configField.volume,
    exclusive: configField.exclusive,
    undo: configField.undo,
    finishGrace: duration('How long the tools may take past the deadline to save their output.'),
  })
  .describe('The tool as resolved at selection; every target is injected from it.');
export type ResolvedTool = z.infer<typeof resolvedTool>;

export const powerToolStatus = z
  .object({
    phase: z.enum(powerToolPhases).optional().describe('A summary for kubectl, derived from the targets; read conditions for details.'),
    observedGeneration: z.number().int().min(0).optional().describe('The generation the status describes.'),
    conditions: conditions.optional(),
    selected: z.number().int().min(0).optional().describe('How many pods were selected.'),
    injected: z.number().int().min(0).optional().describe('How many tools were injected.'),
    succeeded: z.number().int().min(0).optional().describe('How many tools exited 0.'),
    failed: z.number().int().min(0).optional().describe('How many tools failed or were lost with their pod.'),
    startedAt: z.string().optional().describe('When the run started (RFC 3339).'),
    deadline: z.string().optional().describe('When the operator stops the tools if they have not ended (RFC 3339).'),
    finishedAt: z.string().optional().describe('When every target had ended (RFC 3339).'),
    targets: z
      .array(targetStatus)
      .max(1000)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['pod'] })
      .describe('One record per target pod.'),
    requestedBy: requester.optional(),
    steadyState: steadyStateStatus.optional(),
    resolvedTool: resolvedTool.optional(),
    rendered: z
      .array(z.record(z.string(), z.unknown()).meta({ 'x-kubernetes-preserve-unknown-fields': true }))
      .max(1000)
      .optional()
      .describe('For dryRun: the ephemeral containers exactly as they would be injected, one per target.'),
  })
  .describe('What the PowerTool did and is doing.');
export type PowerToolStatus = z.infer<typeof powerToolStatus>;

export const powerTool = z
  .object({
    ...kindHeader('PowerTool'),
    spec: powerToolSpec,
    status: powerToolStatus.optional(),
  })
  .describe('PowerTool: run an allowlisted tool against matching pods for a while, and record what it found.');
export type PowerTool = z.infer<typeof powerTool>;

/** The annotation admission writes with the requesting user (status is not writable at create time). */
export const REQUESTED_BY_ANNOTATION = 'toe.dev/requested-by';

export const powerToolPresentation: CrdPresentation = {
  plural: 'powertools',
  singular: 'powertool',
  shortNames: ['pt'],
  categories: ['toe'],
  printerColumns: [
    { name: 'Tool', type: 'string', jsonPath: '.spec.tool.name', description: 'The tool.' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Summary of the run.' },
    { name: 'Selected', type: 'integer', jsonPath: '.status.selected', description: 'Pods selected.' },
    { name: 'Succeeded', type: 'integer', jsonPath: '.status.succeeded', description: 'Tools that exited 0.' },
    { name: 'Failed', type: 'integer', jsonPath: '.status.failed', description: 'Tools that failed.' },
    { name: 'Duration', type: 'string', jsonPath: '.spec.tool.duration', description: 'Requested run length.', priority: 1 },
    {
      name: 'SteadyState',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="SteadyStateHeld")].reason',
      description: 'The steady-state verdict: Held, Breached, NotRecovered, NotHeldBeforeStart or Checking.',
      priority: 1,
    },
    {
      name: 'EmergencyStop',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="EmergencyStopped")].reason',
      description: 'Stopped: an EmergencyStop stopped the run; NotStarted: the run was refused while one was active.',
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' },
  ],
};
