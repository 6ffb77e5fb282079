/**
 * The collector's metrics. Declared here until they join the shared src/telemetry/metrics.ts (which did not exist
 * when the collector was written); the names and labels are final. Labels stay bounded: the tool name is one of at
 * most MAX_TOOLS values, never a pod, namespace or PowerTool.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export function createCollectorMetrics(registry = new Registry(), defaults = true) {
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'toe_' });
  return {
    registry,
    receivedBytes: new Counter({ name: 'toe_collector_received_bytes_total', help: 'Artifact bytes stored, by tool.', labelNames: ['tool'] as const, registers: [registry] }),
    requests: new Counter({ name: 'toe_collector_requests_total', help: 'Requests by route and HTTP status code.', labelNames: ['route', 'code'] as const, registers: [registry] }),
    authRefusals: new Counter({ name: 'toe_collector_auth_refusals_total', help: 'Requests refused before reaching a route, by reason.', labelNames: ['reason'] as const, registers: [registry] }),
    artifacts: new Counter({ name: 'toe_collector_artifacts_total', help: 'Artifacts finalised, by who finalised them (client or idle-timeout) and whether partial.', labelNames: ['finalised_by', 'partial'] as const, registers: [registry] }),
    capped: new Counter({ name: 'toe_collector_capped_total', help: 'Uploads refused by a byte cap, by cap (artifact or run).', labelNames: ['cap'] as const, registers: [registry] }),
    activeUploads: new Gauge({ name: 'toe_collector_active_uploads', help: 'Request bodies being written now.', registers: [registry] }),
  };
}
export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;

const TOOL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const MAX_TOOLS = 32;

/**
 * The `tool` label from the `Toe-Tool` header. The header is the tool's own claim, used for this label only (never
 * for a path or a decision), so it is bounded: not a DNS label → `unknown`, past MAX_TOOLS distinct names → `other`.
 */
export function toolLabel(seen: Set<string>, header: string | undefined): string {
  if (header === undefined || !TOOL.test(header)) return 'unknown';
  if (seen.has(header)) return header;
  if (seen.size >= MAX_TOOLS) return 'other';
  seen.add(header);
  return header;
}
