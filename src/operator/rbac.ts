/**
 * What the operator may do in the API, declared beside the code that does it (as kubebuilder's rbac markers) and
 * gathered here. A test compares the union with charts/toe's ClusterRole and Role, so the chart grants exactly
 * what the code uses and nothing more.
 */
export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** The PowerTool controller: its objects, the pods it targets, the tokens and exec it needs for tools, Events. */
export const powerToolRules: Rule[] = [
  { apiGroups: ['toe.dev'], resources: ['powertools'], verbs: ['get', 'list', 'watch', 'patch', 'delete'] },
  { apiGroups: ['toe.dev'], resources: ['powertools/status'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
  // Adding a tool to a running pod; there is no other way to attach to its process namespace.
  { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] },
  // Stopping a tool early: ephemeral containers cannot be killed through the API, so the tool's stop command runs.
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
  // Collector tokens bound to the target pod; the pod's own service account is the only one a pod-bound token may name.
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  // Steady-state probes (steady-state/check.ts): the Service an http probe names, the workload a kubernetes one reads.
  { apiGroups: [''], resources: ['services'], verbs: ['get'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get'] },
  // Disruptive tools: the budgets a run must respect are read at selection (budgets.ts); pod-kill evicts (evict.ts).
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
];

export const powerToolConfigRules: Rule[] = [
  { apiGroups: ['toe.dev'], resources: ['powertoolconfigs'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['toe.dev'], resources: ['powertoolconfigs/status'], verbs: ['patch'] },
];

/**
 * Admission registers its own webhooks (with the CA it generated) and reads configs through the cache above; a
 * host-run operator removes its registration when it stops, and only that one configuration (register.ts).
 */
export const admissionRules: Rule[] = [
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
    verbs: ['get', 'create', 'update', 'patch'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
    verbs: ['delete'],
    resourceNames: ['toe-powertools'],
  },
];

/** Namespaced to the operator's namespace: the leader Lease and the webhook's TLS Secret. */
export const operatorNamespaceRules: Rule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  // The webhook's TLS Secret: any replica may create it (create cannot be limited by name); reading and renewing
  // are limited to that one Secret.
  { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'update'], resourceNames: ['toe-webhook-tls'] },
];

/**
 * The PowerToolProcessing controller: its objects, the PowerTools and pods it reports on (read only), tool logs
 * (output mode logs) and Events for the report, a reader token for the collector, and the Service, EndpointSlice
 * and Ingress it owns (server-side apply is a PATCH, and also needs create the first time; DELETE when the spec
 * stops asking for one).
 */
export const powerToolProcessingRules: Rule[] = [
  { apiGroups: ['toe.dev'], resources: ['powertoolprocessings'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['toe.dev'], resources: ['powertoolprocessings/status'], verbs: ['patch'] },
  { apiGroups: ['toe.dev'], resources: ['powertools'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['list', 'create', 'patch'] },
  { apiGroups: [''], resources: ['services'], verbs: ['create', 'patch', 'delete'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['create', 'patch', 'delete'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['create', 'patch', 'delete'] },
];

/** The EmergencyStop controller: it reads the stops (every controller sees them through the cache) and writes their status. */
export const emergencyStopRules: Rule[] = [
  { apiGroups: ['toe.dev'], resources: ['emergencystops'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['toe.dev'], resources: ['emergencystops/status'], verbs: ['patch'] },
];

/** The PowerToolSchedule controller: its objects, and the PowerTools it runs (created, and deleted for Replace and history). */
export const powerToolScheduleRules: Rule[] = [
  { apiGroups: ['toe.dev'], resources: ['powertoolschedules'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['toe.dev'], resources: ['powertoolschedules/status'], verbs: ['patch'] },
  { apiGroups: ['toe.dev'], resources: ['powertools'], verbs: ['create', 'delete'] },
];

/** The PowerToolScenario controller: its objects, and its steps' PowerTools (created, read, and patched to suspend them). */
export const powerToolScenarioRules: Rule[] = [
  { apiGroups: ['toe.dev'], resources: ['powertoolscenarios'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['toe.dev'], resources: ['powertoolscenarios/status'], verbs: ['patch'] },
  { apiGroups: ['toe.dev'], resources: ['powertools'], verbs: ['create', 'get', 'patch'] },
];

export const clusterRules: Rule[] = [
  ...powerToolRules,
  ...powerToolConfigRules,
  ...admissionRules,
  ...powerToolProcessingRules,
  ...emergencyStopRules,
  ...powerToolScheduleRules,
  ...powerToolScenarioRules,
];

/** Flattens rules to "group/resource:verb" strings, so two rule lists compare regardless of how they are grouped. */
export function permissions(rules: readonly Rule[]): string[] {
  const out = new Set<string>();
  for (const r of rules)
    for (const g of r.apiGroups)
      for (const res of r.resources)
        for (const v of r.verbs) out.add(`${g}/${res}:${v}${r.resourceNames ? `@${r.resourceNames.join(',')}` : ''}`);
  return [...out].sort();
}
