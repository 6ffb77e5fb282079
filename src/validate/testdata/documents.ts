/** One complete, valid document of each kind, for tests to copy and break. */

export const validConfig = {
  apiVersion: 'toe.dev/v1alpha1',
  kind: 'PowerToolConfig',
  metadata: { name: 'perf', namespace: 'toe-system' },
  spec: {
    tool: { name: 'perf', kind: 'profiler', description: 'Samples stacks with perf.' },
    image: 'localhost/toe-perf:0.1.0',
    imagePullPolicy: 'Never',
    command: ['/toe/bin/entrypoint'],
    defaultArgs: ['--event=cpu-clock'],
    parameters: [
      { name: 'frequency', flag: '--freq', short: '-F', type: 'integer', min: 1, max: 999, default: '99' },
      { name: 'callGraph', flag: '--call-graph', type: 'boolean' },
      { name: 'mode', flag: '--mode', type: 'enum', values: ['fp', 'dwarf'] },
      { name: 'sleep', flag: '--sleep', type: 'duration', min: '1s', max: '10m' },
      { name: 'comm', flag: '--comm', type: 'string', pattern: '[a-z]+', maxLength: 15 },
    ],
    limits: { maxArgs: 8, maxArgLength: 128, maxDuration: '10m', defaultDuration: '30s' },
    securityContext: { capabilities: { add: ['PERFMON', 'SYS_PTRACE'], drop: ['ALL'] }, runAsUser: 0 },
    resources: { limits: { cpu: '500m', memory: '128Mi' } },
    env: [{ name: 'PERF_PAGER', value: 'cat' }],
    allowedNamespaces: ['default'],
    outputModes: ['logs', 'collector'],
    volume: 'none',
    exclusive: false,
    maxPerPod: 10,
  },
};

export const validPowerTool = {
  apiVersion: 'toe.dev/v1alpha1',
  kind: 'PowerTool',
  metadata: { name: 'perf-web', namespace: 'default', labels: { team: 'web' } },
  spec: {
    targets: {
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
      maxTargets: 3,
      maxPercent: 50,
    },
    tool: { name: 'perf', args: ['--freq=99', '--call-graph'], duration: '1m' },
    output: { mode: 'collector' },
    dryRun: false,
    ttlSecondsAfterFinished: 3600,
  },
};

export const validProcessing = {
  apiVersion: 'toe.dev/v1alpha1',
  kind: 'PowerToolProcessing',
  metadata: { name: 'web-reports', namespace: 'default' },
  spec: {
    source: { tool: 'perf' },
    trigger: { onCompletion: true, schedule: { interval: '1h' } },
    report: {
      enabled: true,
      retention: { maxReports: 20, maxAge: '168h' },
      expose: { ingress: { host: 'reports.example.test', path: '/toe' } },
    },
    analysis: { endpoint: 'http://ollama.ollama.svc:11434', model: 'tiny', timeout: '30s', maxInputTokens: 2048 },
  },
};

const validEmergencyStop = {
  apiVersion: 'toe.dev/v1alpha1',
  kind: 'EmergencyStop',
  metadata: { name: 'incident-42' },
  spec: { reason: 'checkout errors during the game day' },
};

export const validSchedule = {
  apiVersion: 'toe.dev/v1alpha1',
  kind: 'PowerToolSchedule',
  metadata: { name: 'web-nightly', namespace: 'default' },
  spec: {
    schedule: '0 3 * * *',
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: 300,
    template: { metadata: { labels: { team: 'web' } }, spec: validPowerTool.spec },
  },
};

export const validScenario = {
  apiVersion: 'toe.dev/v1alpha1',
  kind: 'PowerToolScenario',
  metadata: { name: 'web-cpu', namespace: 'default' },
  spec: {
    steps: [
      // Copies: withField clones the document, and a shared object would change in both steps at once.
      { name: 'baseline', baseline: true, powerTools: [{ spec: structuredClone(validPowerTool.spec) }] },
      { name: 'settle', wait: '30s' },
      { name: 'profile', powerTools: [{ metadata: { labels: { team: 'web' } }, spec: structuredClone(validPowerTool.spec) }] },
    ],
  },
};

export const validDocuments = {
  PowerToolConfig: validConfig,
  PowerTool: validPowerTool,
  PowerToolProcessing: validProcessing,
  EmergencyStop: validEmergencyStop,
  PowerToolSchedule: validSchedule,
  PowerToolScenario: validScenario,
} as const;

/** A deep copy of a document with one field set (or removed, with undefined) at a dotted path such as `spec.tool.args.1`. */
export function withField<T>(doc: T, path: string, value: unknown): T {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === undefined) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy as T;
}
