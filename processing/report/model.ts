/**
 * What a report shows: plain data the controller assembles from the processors' results, the RCA module's
 * findings and the optional LLM analysis. Every string in it is treated as hostile and escaped when rendered.
 */
import type { FoldedStats } from '../perf.ts';
import type { FlameNode, FunctionDelta, FunctionRow } from '../flame.ts';
import type { StraceTrace, SyscallRow } from '../strace.ts';
import type { TrafficSummary } from '../tcpdump.ts';
import type { Timeline } from '../timeline.ts';

export type Severity = 'info' | 'warning' | 'critical';

/** As processing/rca produces them; `cause` is optional so that older findings still render. */
export interface ReportFinding {
  id: string;
  severity: Severity;
  title: string;
  detail: string;
  evidence: string[];
  cause?: string;
}

export interface ReportEvidence {
  id: string;
  summary: string;
  source?: string;
}

export interface ReportAnalysis {
  status: 'Succeeded' | 'Failed' | 'None';
  model?: string;
  summary?: string;
  causes?: { title: string; confidence: number; evidence: string[]; detail?: string }[];
  nextSteps?: string[];
  /** Why the analysis failed (the report still stands without it). */
  error?: string;
}

export interface RunHeader {
  namespace: string;
  name: string;
  tool: string;
  phase?: string;
  targets: string[];
  startedAt?: string;
  finishedAt?: string;
  requestedBy?: string;
  partial?: boolean;
}

export interface PerfView {
  name: string;
  flame: FlameNode;
  top: FunctionRow[];
  samples: number;
  stats?: FoldedStats;
}

export interface PerfReport {
  /** All targets summed; shown first. */
  merged?: PerfView;
  targets: PerfView[];
  diff?: { baseline: string; flame: FlameNode; top: FunctionDelta[] };
}

export interface StraceView {
  name: string;
  rows: SyscallRow[];
  trace?: Pick<StraceTrace, 'pids' | 'signals' | 'exited' | 'killed' | 'unfinished' | 'garbageLines'>;
}

export interface ReportModel {
  /** The report's stable id (the run it covers). */
  id: string;
  generatedAt: string;
  run: RunHeader;
  findings?: ReportFinding[];
  evidence?: ReportEvidence[];
  analysis?: ReportAnalysis;
  perf?: PerfReport;
  strace?: StraceView[];
  traffic?: { name: string; summary: TrafficSummary }[];
  timelines?: Timeline[];
  /** Artifacts that were partial or could not be read, said plainly. */
  notes?: string[];
}
