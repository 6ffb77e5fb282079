/**
 * What a report shows: plain data the pipeline assembles from the kinds' results (one section per kind, typed by
 * the kinds table), the RCA module's findings and the optional LLM analysis. Every string in it is treated as
 * hostile and escaped when rendered.
 */
import type { KindSections } from '../kinds/index.ts';

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

/** One target of one run, as its PowerTool's status left it: the report's per-target table and its CSV. */
export interface TargetRow {
  powerTool: string;
  pod: string;
  container: string;
  phase: string;
  reason?: string;
  /** Why the operator stopped the tool early (deadline, suspend, deletion, a steady-state breach). */
  stopReason?: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** True when any of its artifacts was cut short. */
  partial: boolean;
  artifacts: number;
  bytes: number;
  message?: string;
}

/** One probe's record, as status.steadyState holds it. */
export interface ProbeView {
  name: string;
  kind: string;
  checks: number;
  failures: number;
  lastResult?: string;
  lastValue?: string;
  firstBreachAt?: string;
  breachedAt?: string;
  recoveredAt?: string;
  recoverySeconds?: number;
}

/** The steady-state verdict of one run: the SteadyStateHeld condition (its reason is the verdict) and the probes. */
export interface SteadyStateView {
  powerTool: string;
  /** Held, Breached, NotRecovered, NotHeldBeforeStart, or Checking while the run is not done. */
  verdict: string;
  held: 'True' | 'False' | 'Unknown';
  message?: string;
  probes: ProbeView[];
}

export interface ReportBase {
  /** The report's stable id (the run it covers). */
  id: string;
  generatedAt: string;
  run: RunHeader;
  findings?: ReportFinding[];
  evidence?: ReportEvidence[];
  analysis?: ReportAnalysis;
  /** Every target of every run covered, in run order. */
  targets?: TargetRow[];
  /** One verdict per run that had steady-state probes. */
  steadyState?: SteadyStateView[];
  /** Artifacts that were partial or could not be read, said plainly. */
  notes?: string[];
}

/** The run's header, findings, analysis and notes, and each artifact kind's section under its field. */
export type ReportModel = ReportBase & KindSections;
