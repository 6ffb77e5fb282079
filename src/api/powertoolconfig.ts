import { z } from 'zod';
import { conditions, dnsLabel, duration, kindHeader, labelSelector, type CrdPresentation } from './meta.ts';
import { QUANTITY_PATTERN } from './units.ts';
import { steadyStateConfig } from './steady-state.ts';

export const parameterTypes = ['boolean', 'integer', 'string', 'enum', 'duration', 'quantity', 'percent', 'signal', 'path'] as const;
export type ParameterType = (typeof parameterTypes)[number];

/** Signals a `signal` parameter may name; anything else would be a way to do what the tool is not for. */
export const signalNames = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGSTOP', 'SIGCONT'] as const;

const bound = z
  .union([z.number().int(), z.string().max(64)])
  .meta({ 'x-kubernetes-int-or-string': true })
  .describe("A bound in the parameter's own unit: a number for integer and percent, a duration or quantity string otherwise.");

export const parameter = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9]{0,62}$/)
      .max(63)
      .describe("The parameter's name, lowerCamelCase; errors and the tool's result refer to it."),
    flag: z
      .string()
      .regex(/^--[a-z0-9][a-z0-9-]{0,62}$/)
      .max(65)
      .optional()
      .describe('The long flag users pass ("--freq"). Without a flag the parameter is positional, matched in declaration order.'),
    short: z
      .string()
      .regex(/^-[a-zA-Z0-9]$/)
      .max(2)
      .optional()
      .describe('An optional one-letter alias ("-F").'),
    type: z.enum(parameterTypes).describe('How the value is parsed and checked.'),
    description: z.string().max(1024).optional().describe('What the parameter does, shown in errors and in `toe validate`.'),
    required: z.boolean().optional().describe('The user must pass it.'),
    repeatable: z.boolean().optional().describe('It may be passed more than once; each value is checked.'),
    default: z.string().max(1024).optional().describe('The value used when the user passes none, checked like a user value.'),
    min: bound.optional().describe('The smallest value allowed (integer, percent, duration, quantity).'),
    max: bound.optional().describe('The largest value allowed (integer, percent, duration, quantity).'),
    values: z.array(z.string().max(256)).max(256).optional().describe('The values allowed (enum, signal).'),
    pattern: z
      .string()
      .max(1024)
      .optional()
      .describe('A regular expression (ECMAScript syntax) a string value must match as a whole; it is anchored for you.'),
    maxLength: z.number().int().min(1).max(4096).optional().describe('The longest string value allowed, in characters.'),
    roots: z
      .array(
        z
          .string()
          .regex(/^\/[^\0]*$/)
          .max(256),
      )
      .max(16)
      .optional()
      .describe('For path parameters: absolute directories a value must lie under; ".." is always refused.'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: "self.type != 'enum' || has(self.values)", message: 'an enum parameter needs values' },
      { rule: "self.type != 'path' || has(self.roots)", message: 'a path parameter needs roots' },
      { rule: "!has(self.pattern) || self.type == 'string'", message: 'pattern applies to string parameters only' },
      { rule: '!has(self.short) || has(self.flag)', message: 'a short alias needs a long flag' },
    ],
  })
  .describe('One argument a PowerTool may pass to the tool.');
export type Parameter = z.infer<typeof parameter>;

export const capability = z
  .string()
  .regex(/^[A-Z][A-Z_]{1,30}$/)
  .describe('A Linux capability name without the CAP_ prefix, such as SYS_PTRACE.');

export const toolSecurityContext = z
  .object({
    privileged: z
      .boolean()
      .optional()
      .describe('Run the tool privileged. Only for tools that must act on the node; the operator may forbid it.'),
    capabilities: z
      .object({
        add: z.array(capability).max(16).optional().describe('Capabilities the tool needs, e.g. SYS_PTRACE for strace, PERFMON for perf.'),
        drop: z.array(capability).max(64).optional().describe('Capabilities to drop; ALL is a good start.'),
      })
      .optional()
      .describe("Linux capabilities to add to and drop from the container runtime's default set."),
    runAsUser: z.number().int().min(0).optional().describe('The UID the tool runs as.'),
    runAsGroup: z.number().int().min(0).optional().describe('The GID the tool runs as.'),
    runAsNonRoot: z.boolean().optional().describe('Refuse to start as root.'),
    allowPrivilegeEscalation: z.boolean().optional().describe('Whether a process may gain more privileges than its parent.'),
    readOnlyRootFilesystem: z.boolean().optional().describe('Mount the tool image read-only.'),
  })
  .describe("The security context of the tool's ephemeral container.");

const resourceList = z.object({
  cpu: z.string().regex(new RegExp(QUANTITY_PATTERN)).optional().describe('CPU, as a quantity ("500m").'),
  memory: z.string().regex(new RegExp(QUANTITY_PATTERN)).optional().describe('Memory, as a quantity ("128Mi").'),
});

export const powerToolConfigSpec = z
  .object({
    tool: z
      .object({
        name: dnsLabel.describe("The tool's name, which PowerTools use in spec.tool.name."),
        kind: z.enum(['profiler', 'fault']).describe('A profiler observes; a fault changes the target and is undone at the end.'),
        description: z.string().max(1024).optional().describe('One sentence users see in `kubectl get ptc`.'),
      })
      .describe('What the tool is.'),
    action: z
      .enum(['inject', 'evict'])
      .default('inject')
      .describe(
        'How the tool acts. inject: the operator adds the tool (image, command) to each target pod as an ephemeral container. evict: the operator itself evicts each target pod through the Eviction API, which applies its PodDisruptionBudgets (pod-kill); no container runs, so image, command, defaultArgs and parameters are left out.',
      ),
    disruptive: z
      .boolean()
      .default(false)
      .describe(
        "The tool can take a target pod down (end its main process, evict it, OOM-kill it). A run of a disruptive tool is refused at selection when it would disrupt more pods that a PodDisruptionBudget covers than the budget's status.disruptionsAllowed, naming the budget.",
      ),
    image: z.string().min(1).max(512).optional().describe("The tool's container image; required for action inject, absent for evict."),
    imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent').describe('When the kubelet pulls the image.'),
    command: z
      .array(z.string().min(1).max(1024))
      .min(1)
      .max(16)
      .optional()
      .describe('The entrypoint, fixed by the admin; never run through a shell. Required for action inject, absent for evict.'),
    defaultArgs: z
      .array(z.string().max(1024))
      .max(64)
      .default([])
      .describe("Arguments that always come first, before the user's; users cannot override them."),
    parameters: z.array(parameter).max(64).default([]).describe('The allowlist: every argument a PowerTool may pass.'),
    limits: z
      .object({
        maxArgs: z.number().int().min(0).max(256).default(32).describe('The most user arguments accepted.'),
        maxArgLength: z.number().int().min(1).max(4096).default(256).describe('The longest single user argument, in characters.'),
        maxDuration: duration('The longest run a PowerTool may ask for.').default('1h'),
        defaultDuration: duration('The run length when a PowerTool names none.').default('30s'),
        finishGrace: duration(
          "How long the tool may take after its run's end to save and report what it collected; past it the operator stops the tool.",
        ).default('3s'),
      })
      .default({ maxArgs: 32, maxArgLength: 256, maxDuration: '1h', defaultDuration: '30s', finishGrace: '3s' })
      .describe('Bounds on what a PowerTool may ask of this tool.'),
    securityContext: toolSecurityContext.optional(),
    undo: z
      .object({
        args: z
          .array(z.string().min(1).max(1024))
          .min(1)
          .max(16)
          .describe('The undo container\'s arguments, in place of defaultArgs and the user\'s ("--undo"); fixed by the admin.'),
      })
      .optional()
      .describe(
        "How to undo the tool's fault when the tool ended without its clean result (SIGKILL, OOM kill, its target container restarting): the operator then runs one more ephemeral container with the same image, command, environment (TOE_RUN_ID, TOE_POD...) and security context, and these args. For faults whose state outlives the tool's processes, such as a network qdisc.",
      ),
    resources: z
      .object({
        limits: resourceList.optional().describe('The most the tool may use.'),
        requests: resourceList.optional().describe('What the tool expects to use.'),
      })
      .optional()
      .describe(
        "The tool's CPU and memory budget. Kubernetes forbids resources on ephemeral containers, so the tool enforces it itself (passed as TOE_CPU_LIMIT and TOE_MEMORY_LIMIT).",
      ),
    env: z
      .array(
        z.object({
          name: z
            .string()
            .regex(/^[A-Z_][A-Z0-9_]*$/)
            .max(128)
            .describe('The variable name, upper case.'),
          value: z.string().max(4096).describe('Its value.'),
        }),
      )
      .max(32)
      .optional()
      .describe('Environment the admin fixes for the tool; names starting TOE_ are reserved for the operator.'),
    allowedNamespaces: z
      .array(dnsLabel)
      .max(256)
      .optional()
      .describe('Namespaces where the tool may run, besides those labelled toe.dev/allow-powertools=true.'),
    namespaceSelector: labelSelector
      .optional()
      .describe('Namespaces, by label, where the tool may run, besides those labelled toe.dev/allow-powertools=true.'),
    outputModes: z
      .array(z.enum(['logs', 'pvc', 'collector']))
      .min(1)
      .max(3)
      .default(['logs'])
      .describe('Where the tool may put its output.'),
    volume: z
      .enum(['none', 'optional', 'required'])
      .default('none')
      .describe("Whether the tool acts on a volume of the target pod (fill-volume does), named in the PowerTool's spec.volume."),
    exclusive: z
      .boolean()
      .default(false)
      .describe(
        'An exclusive tool shares a target pod (any of its containers: they share a network namespace) with no other PowerTool; others conflict only with the same tool on the same container, or with an exclusive one.',
      ),
    maxPerPod: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(20)
      .describe("How many of this tool's ephemeral containers one pod may collect; they can never be removed."),
    steadyState: steadyStateConfig.optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: "self.action != 'inject' || (has(self.image) && has(self.command))", message: 'action inject needs image and command' },
      {
        rule: "self.action != 'evict' || (!has(self.image) && !has(self.command) && self.parameters.size() == 0 && self.defaultArgs.size() == 0)",
        message: 'action evict runs no container: leave out image, command, defaultArgs and parameters',
      },
      { rule: "!has(self.undo) || self.action == 'inject'", message: 'undo runs a container: it needs action inject' },
      { rule: 'self.parameters.all(p, self.parameters.exists_one(q, q.name == p.name))', message: 'parameter names must be unique' },
      {
        rule: 'self.parameters.all(p, !has(p.flag) || self.parameters.exists_one(q, has(q.flag) && q.flag == p.flag))',
        message: 'parameter flags must be unique',
      },
    ],
  })
  .describe("What a tool is and what a PowerTool may ask of it. Admin-owned; lives in the operator's namespace.");
export type PowerToolConfigSpec = z.infer<typeof powerToolConfigSpec>;

export const powerToolConfigStatus = z
  .object({
    observedGeneration: z.number().int().min(0).optional().describe('The generation the status describes.'),
    conditions: conditions.optional(),
  })
  .describe('Whether the config is usable: Ready, or Invalid with the reason.');

export const powerToolConfig = z
  .object({
    ...kindHeader('PowerToolConfig'),
    spec: powerToolConfigSpec,
    status: powerToolConfigStatus.optional(),
  })
  .describe('PowerToolConfig: a tool, its image and command, and the allowlist of arguments users may pass.');
export type PowerToolConfig = z.infer<typeof powerToolConfig>;

export const powerToolConfigPresentation: CrdPresentation = {
  plural: 'powertoolconfigs',
  singular: 'powertoolconfig',
  shortNames: ['ptc'],
  categories: ['toe'],
  printerColumns: [
    { name: 'Tool', type: 'string', jsonPath: '.spec.tool.name', description: 'The tool name PowerTools use.' },
    { name: 'Kind', type: 'string', jsonPath: '.spec.tool.kind', description: 'profiler or fault.' },
    {
      name: 'Ready',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Ready")].status',
      description: 'Whether the config is usable.',
    },
    { name: 'Image', type: 'string', jsonPath: '.spec.image', description: 'The tool image.', priority: 1 },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' },
  ],
};
