/**
 * The vocabulary of root-cause analysis: what goes in (plain data the operator already holds), the evidence built
 * from it, and the findings rules draw from the evidence. The report renders `Evidence` and `Finding` as data, and
 * the LLM sees the same items, so everything here is JSON-safe.
 */
import type { CoreV1Event, EventsV1Event, V1Pod } from '@kubernetes/client-node';
import type { PowerTool } from '../../src/api/powertool.ts';

export const severities = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof severities)[number];

/** A rank for sorting: critical first. */
export const severityRank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** The closed list of causes a finding may name; the report and tests key on these. */
export const causes = [
  'OOMKilled',
  'Evicted',
  'CpuThrottling',
  'HotFunction',
  'VolumeFull',
  'CrashLoop',
  'CrashLoopingSidecar',
  'ProbeFailures',
  'ImagePullFailure',
  'SignalNotDeliverable',
  'FaultHadNoEffect',
  'SlowRecovery',
  'SteadyStateBroken',
  'ToolFailed',
  'PartialData',
  'SyscallErrors',
  'NetworkErrors',
] as const;
export type Cause = (typeof causes)[number];

/** Where a piece of evidence comes from. */
export const evidenceSources = [
  'powertool',
  'pod',
  'event',
  'perf',
  'runtime',
  'strace',
  'tcpdump',
  'timeline',
  'cgroup',
  'input',
] as const;
export type EvidenceSource = (typeof evidenceSources)[number];

/** The objects a piece of evidence is about; these are the names anonymisation replaces. */
export interface Subject {
  namespace?: string;
  pod?: string;
  container?: string;
  node?: string;
  /** Another object an Event is about (`Deployment/web`). */
  object?: string;
  image?: string;
}

export type EvidenceValue = string | number | boolean | null;

export interface Evidence {
  /** Stable across runs of the same input: derived from kind and subject, never from order or time. */
  id: string;
  kind: string;
  source: EvidenceSource;
  /** One line for people and for the LLM. */
  summary: string;
  subject: Subject;
  data: Record<string, EvidenceValue>;
  /** When it happened (RFC 3339), when known. */
  at?: string;
}

export interface Finding {
  id: string;
  severity: Severity;
  cause: Cause;
  title: string;
  detail: string;
  /** Ids of the evidence this finding rests on; never empty. */
  evidence: string[];
}

/** perf's top-functions table, as processing/kinds/perf/parse.ts computes it. */
export interface HotFunction {
  name: string;
  selfPct: number;
  totalPct: number;
}

/** One row of the strace syscall table. */
export interface RuntimeProfile {
  runtime: string;
  type: 'cpu' | 'heap';
  topFunctions: (HotFunction & { source?: string })[];
  gcPct?: number;
  lockPct?: number;
}

export interface SyscallRow {
  syscall: string;
  calls: number;
  errors: number;
  seconds?: number;
  /** The most frequent error names (ENOSPC, EAGAIN, …) when the trace had them. */
  errnos?: Record<string, number>;
}

export interface NetworkSummary {
  packets: number;
  bytes: number;
  tcpResets?: number;
  tcpRetransmissions?: number;
  topTalkers?: { address: string; bytes: number; packets?: number }[];
}

/** Min/mean/max of one series over the run, with the limit it runs against when known. */
export interface SeriesSummary {
  min?: number;
  mean?: number;
  max?: number;
  limit?: number;
  samples?: number;
}

export interface TimelineSummary {
  fault?: { start?: string; end?: string; kind?: string };
  cpuMillicores?: SeriesSummary;
  memoryBytes?: SeriesSummary;
  volumeUsedBytes?: SeriesSummary & { totalBytes?: number };
  /** What the fault asked for and what was measured, in the same unit; `achieved` = measured / requested when known. */
  effect?: { metric: string; requested: number; measured: number; unit?: string; achieved?: number };
  /** Seconds from the fault's end until the target was back to its baseline; null when it never was. */
  recoverySeconds?: number | null;
}

/** cgroup cpu.stat counters of a container over the run (v1 throttled_time and v2 throttled_usec both map here). */
export interface CpuThrottle {
  pod: string;
  container: string;
  nrPeriods: number;
  nrThrottled: number;
  throttledSeconds?: number;
}

export type KubeEvent = CoreV1Event | EventsV1Event;

/** Everything the evidence builder reads: plain data, already fetched; no field is trusted to be present. */
export interface RcaInput {
  powerTool: PowerTool;
  pods?: V1Pod[];
  events?: KubeEvent[];
  perf?: { topFunctions?: HotFunction[] };
  /** Runtime-aware profiles (pprof), one per runtime and profile type; CPU ones with the GC and lock shares. */
  runtimeProfiles?: RuntimeProfile[];
  strace?: { rows?: SyscallRow[] };
  tcpdump?: NetworkSummary;
  timeline?: TimelineSummary;
  cpuThrottling?: CpuThrottle[];
}

export interface EvidenceSet {
  evidence: Evidence[];
  findings: Finding[];
}
