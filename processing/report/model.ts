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

export interface ReportBase {
  /** The report's stable id (the run it covers). */
  id: string;
  generatedAt: string;
  run: RunHeader;
  findings?: ReportFinding[];
  evidence?: ReportEvidence[];
  analysis?: ReportAnalysis;
  /** Artifacts that were partial or could not be read, said plainly. */
  notes?: string[];
}

/** The run's header, findings, analysis and notes, and each artifact kind's section under its field. */
export type ReportModel = ReportBase & KindSections;
