import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric TOE exports, declared once (as Pepr's MetricsCollector owns its registry). Names follow
 * controller-runtime's families and Prometheus naming; labels stay bounded: a tool or controller name, never a
 * pod or PowerTool name.
 */
export function createMetrics(registry = new Registry()) {
  collectDefaultMetrics({ register: registry, prefix: 'toe_' });
  return {
    registry,
    reconcileTotal: new Counter({
      name: 'toe_reconcile_total',
      help: 'Reconciles by controller and result.',
      labelNames: ['controller', 'result'] as const,
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: 'toe_reconcile_errors_total',
      help: 'Reconciles that returned an error.',
      labelNames: ['controller'] as const,
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: 'toe_reconcile_duration_seconds',
      help: 'Time per reconcile.',
      labelNames: ['controller'] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'toe_queue_depth',
      help: 'Keys waiting in a controller queue.',
      labelNames: ['controller'] as const,
      registers: [registry],
    }),
    injectionsTotal: new Counter({
      name: 'toe_injections_total',
      help: 'Ephemeral container injections by tool and result.',
      labelNames: ['tool', 'result'] as const,
      registers: [registry],
    }),
    faultUndos: new Counter({
      name: 'toe_fault_undos_total',
      help: 'Undos of the fault of a tool that ended without its clean result, by tool and result (Succeeded, Failed).',
      labelNames: ['tool', 'result'] as const,
      registers: [registry],
    }),
    injectionDuration: new Histogram({
      name: 'toe_injection_duration_seconds',
      help: 'Time from PowerTool creation to the tool running, per target.',
      labelNames: ['tool'] as const,
      buckets: [0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60],
      registers: [registry],
    }),
    activeTools: new Gauge({
      name: 'toe_active_tools',
      help: 'Tools injected and not yet ended.',
      labelNames: ['tool'] as const,
      registers: [registry],
    }),
    powerTools: new Gauge({
      name: 'toe_powertools',
      help: 'PowerTools in the cluster by phase.',
      labelNames: ['phase'] as const,
      registers: [registry],
    }),
    toolsPastDeadline: new Gauge({
      name: 'toe_tools_past_deadline',
      help: "Tools still running past their run's deadline and finish grace: a fault that outlived its run (alert on it).",
      labelNames: ['tool'] as const,
      registers: [registry],
    }),
    steadyStateChecks: new Counter({
      name: 'toe_steady_state_checks_total',
      help: 'Steady-state probe checks by probe kind and result (Pass, Fail).',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    steadyStateVerdicts: new Counter({
      name: 'toe_steady_state_verdicts_total',
      help: 'Steady-state verdicts by tool and verdict (Held, Breached, NotRecovered, NotHeldBeforeStart).',
      labelNames: ['tool', 'verdict'] as const,
      registers: [registry],
    }),
    toolStops: new Counter({
      name: 'toe_tool_stops_total',
      help: 'Tools the operator stopped early, by stop reason (Deadline, Suspended, Deleted, SteadyStateBreached, EmergencyStop).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    emergencyStopActive: new Gauge({
      name: 'toe_emergency_stop_active',
      help: '1 while an EmergencyStop exists: no PowerTool runs or starts.',
      registers: [registry],
    }),
    leader: new Gauge({ name: 'toe_leader', help: '1 while this replica holds the leader Lease.', registers: [registry] }),
    admissionTotal: new Counter({
      name: 'toe_admission_requests_total',
      help: 'Admission reviews by kind and verdict.',
      labelNames: ['kind', 'verdict'] as const,
      registers: [registry],
    }),
    reportsTotal: new Counter({
      name: 'toe_reports_total',
      help: 'Reports built by PowerToolProcessings, by result (built, failed).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    reportBuildDuration: new Histogram({
      name: 'toe_report_build_duration_seconds',
      help: 'Time to build one report: read artifacts, process, analyse, write.',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    reportAnalysesTotal: new Counter({
      name: 'toe_report_analyses_total',
      help: 'LLM root-cause analyses by result (Succeeded, Failed).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The collector's metrics (`toe collector` is its own process, with its own registry). The `tool` label comes from
 * the tool's own claim, so src/collector/tool-label.ts bounds it; nothing else here names a tool.
 */
export function createCollectorMetrics(registry = new Registry(), defaults = true) {
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'toe_' });
  return {
    registry,
    receivedBytes: new Counter({
      name: 'toe_collector_received_bytes_total',
      help: 'Artifact bytes stored, by tool.',
      labelNames: ['tool'] as const,
      registers: [registry],
    }),
    requests: new Counter({
      name: 'toe_collector_requests_total',
      help: 'Requests by route and HTTP status code.',
      labelNames: ['route', 'code'] as const,
      registers: [registry],
    }),
    authRefusals: new Counter({
      name: 'toe_collector_auth_refusals_total',
      help: 'Requests refused before reaching a route, by reason.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    artifacts: new Counter({
      name: 'toe_collector_artifacts_total',
      help: 'Artifacts finalised, by who finalised them (client or idle-timeout) and whether partial.',
      labelNames: ['finalised_by', 'partial'] as const,
      registers: [registry],
    }),
    capped: new Counter({
      name: 'toe_collector_capped_total',
      help: 'Uploads refused by a byte cap, by cap (artifact or run).',
      labelNames: ['cap'] as const,
      registers: [registry],
    }),
    activeUploads: new Gauge({ name: 'toe_collector_active_uploads', help: 'Request bodies being written now.', registers: [registry] }),
  };
}
export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;
