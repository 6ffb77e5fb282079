/**
 * One finished PowerTool as processing sees it: the run itself, its target pods and Events, and a way to open each
 * artifact wherever it is (the collector, a spooled tool log, a fixture file). The pipeline gathers this; each
 * artifact kind (kinds/) parses from it.
 */
import type { EventsV1Event, V1Pod } from '@kubernetes/client-node';
import type { PowerTool } from '../src/api/powertool.ts';
import type { ByteSource } from './lines.ts';

/** A PowerTool as read from the API server (the operator's LivePowerTool is one). */
export type RunPowerTool = PowerTool & { metadata: { name: string; namespace?: string; uid?: string } };

export interface ArtifactInput {
  pod: string;
  /** The name the tool gave it (`perf.script`, `capture.pcap`, …): what picks its kind. */
  name: string;
  bytes?: number;
  partial: boolean;
  open: () => Promise<ByteSource>;
}

export interface RunInputs {
  pt: RunPowerTool;
  pods: V1Pod[];
  events: EventsV1Event[];
  artifacts: ArtifactInput[];
  /** What could not be had while gathering, said plainly in the report. */
  notes: string[];
}
