import { z } from 'zod';
import { dnsLabel, dnsSubdomain, duration } from './meta.ts';

/**
 * Steady-state probes of a PowerTool: what must hold before, during and after a fault (issue 11). An http probe names
 * a Service in the PowerTool's own namespace, never a URL: the operator resolves it, so a user cannot make the
 * operator call an address of their choosing. Durations are bounded in src/policy/steady-state.ts, which
 * admission and `toe validate` share.
 */
export const probeKinds = ['http', 'kubernetes', 'prometheus'] as const;
export const comparisons = ['<', '<=', '>', '>=', '==', '!='] as const;
export type Comparison = (typeof comparisons)[number];

export const httpProbe = z
  .object({
    service: dnsLabel.describe("A Service in the PowerTool's namespace; the operator calls its cluster IP."),
    port: z.number().int().min(1).max(65535).default(80).describe("The Service's port (spec.ports[].port)."),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/)
      .max(1024)
      .default('/')
      .describe('The request path, starting with "/".'),
    method: z.enum(['GET', 'HEAD']).default('GET').describe('GET or HEAD: a probe never changes the system it watches.'),
    expectStatus: z.number().int().min(100).max(599).default(200).describe('The HTTP status a healthy answer has.'),
    maxLatency: duration('An answer slower than this is a breach.').optional(),
    timeout: duration('How long one request may take before it counts as a breach.').default('2s'),
  })
  .describe('An HTTP request to a Service in this namespace.');

export const kubernetesProbe = z
  .object({
    workload: z
      .object({
        kind: z.enum(['Deployment', 'StatefulSet']).describe('Deployment or StatefulSet.'),
        name: dnsSubdomain.describe("Its name, in the PowerTool's namespace."),
        minReadyReplicas: z.number().int().min(0).max(10_000).describe('status.readyReplicas must be at least this.'),
      })
      .optional()
      .describe('Ready replicas of a workload in this namespace.'),
    maxRestarts: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .optional()
      .describe("How often the run's target containers may restart in all, counted from the first check."),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.workload) != has(self.maxRestarts)', message: 'a kubernetes probe sets exactly one of workload and maxRestarts' },
    ],
  })
  .describe('A fact read from the Kubernetes API.');

export const prometheusProbe = z
  .object({
    server: dnsLabel
      .optional()
      .describe("A server named in the tool's PowerToolConfig, spec.steadyState.prometheus[].name; default: the first one listed."),
    query: z.string().min(1).max(2048).describe('A PromQL instant query whose result is one sample (a vector of one series, or a scalar).'),
    comparison: z.enum(comparisons).describe('How the value must compare with threshold for the probe to hold.'),
    threshold: z.number().describe('The number the value is compared with.'),
    timeout: duration('How long the query may take before it counts as a breach.').default('2s'),
  })
  .describe('A PromQL instant query against a Prometheus the admin configured; its one value compared with a threshold.');

export const steadyStateProbe = z
  .object({
    name: dnsLabel.describe('The probe name, unique in the list; status and Events use it.'),
    kind: z
      .enum(probeKinds)
      .describe('http: a request to a Service; kubernetes: ready replicas or restarts; prometheus: a PromQL query against a threshold.'),
    interval: duration('How often the probe runs during the run, at least 1s.').default('5s'),
    failureThreshold: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe('This many failed checks in a row during the run abort it, as spec.suspend does.'),
    recoveryTimeout: duration('After the run, how long the probe has to pass again.').default('1m'),
    http: httpProbe.optional(),
    kubernetes: kubernetesProbe.optional(),
    prometheus: prometheusProbe.optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: "self.kind != 'http' || (has(self.http) && !has(self.kubernetes) && !has(self.prometheus))",
        message: 'kind http needs http and no kubernetes or prometheus',
      },
      {
        rule: "self.kind != 'kubernetes' || (has(self.kubernetes) && !has(self.http) && !has(self.prometheus))",
        message: 'kind kubernetes needs kubernetes and no http or prometheus',
      },
      {
        rule: "self.kind != 'prometheus' || (has(self.prometheus) && !has(self.http) && !has(self.kubernetes))",
        message: 'kind prometheus needs prometheus and no http or kubernetes',
      },
    ],
  })
  .describe('One check of the steady state.');
export type SteadyStateProbe = z.infer<typeof steadyStateProbe>;

export const steadyStateSpec = z
  .array(steadyStateProbe)
  .max(8)
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })
  .describe(
    'What must hold: before the start (else the run does not start), during the run (a breach aborts it) and after it (recovery within recoveryTimeout).',
  );

/**
 * The Prometheus servers a tool's prometheus probes may query, set by the admin in its PowerToolConfig: the only
 * place a probe's URL can come from. http(s) only, no credentials in the URL (the operator sends none).
 */
export const prometheusServer = z
  .object({
    name: dnsLabel.describe('The name probes use in prometheus.server.'),
    url: z
      .string()
      .max(512)
      .regex(/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/)
      .describe('The base URL of the server ("http://prometheus.monitoring.svc:9090"); the probe calls <url>/api/v1/query.'),
  })
  .describe('A Prometheus server.');

export const steadyStateConfig = z
  .object({
    prometheus: z
      .array(prometheusServer)
      .max(8)
      .default([])
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })
      .describe("The Prometheus servers this tool's prometheus probes may query; a probe naming none takes the first."),
  })
  .describe("What the tool's steady-state probes may use; only the admin sets it.");
export type SteadyStateConfig = z.infer<typeof steadyStateConfig>;

export const probeResults = ['Pass', 'Fail'] as const;

export const probeStatus = z
  .object({
    name: z.string().describe('The probe.'),
    checks: z.number().int().min(0).describe('Checks made so far.'),
    failures: z.number().int().min(0).describe('Checks that failed.'),
    consecutiveFailures: z.number().int().min(0).describe('Failed checks since the last pass.'),
    lastResult: z.enum(probeResults).optional().describe('Pass or Fail.'),
    lastValue: z
      .string()
      .max(256)
      .optional()
      .describe('What the last check saw: a status and latency, a replica or restart count, a query result.'),
    lastCheckAt: z.string().optional().describe('When it last ran (RFC 3339).'),
    baseline: z.number().int().min(0).optional().describe('For maxRestarts: the restart count at the first check.'),
    firstBreachAt: z.string().optional().describe('When a check first failed after the start (RFC 3339).'),
    breachedAt: z.string().optional().describe('When failureThreshold was reached and the run aborted (RFC 3339).'),
    recoveredAt: z.string().optional().describe('After the run: when the probe passed again (RFC 3339).'),
    recoverySeconds: z.number().min(0).optional().describe('From the first breach to the recovery, in seconds.'),
  })
  .describe('The record of one probe.');
export type ProbeStatus = z.infer<typeof probeStatus>;

export const steadyStateStages = ['Before', 'During', 'After', 'Done'] as const;
export type SteadyStateStage = (typeof steadyStateStages)[number];

export const steadyStateStatus = z
  .object({
    stage: z.enum(steadyStateStages).describe('Before the start, during the run, waiting for recovery, or done.'),
    runEndedAt: z.string().optional().describe('When the run ended, from which recoveryTimeout counts (RFC 3339).'),
    probes: z
      .array(probeStatus)
      .max(8)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })
      .describe('One record per probe.'),
  })
  .describe('The steady-state verdict; the condition SteadyStateHeld sums it up.');
export type SteadyStateStatus = z.infer<typeof steadyStateStatus>;
