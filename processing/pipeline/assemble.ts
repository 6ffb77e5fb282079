/**
 * From processed runs to what the RCA module and the report take: pure. One run gives one evidence input (each
 * kind fills its own field); a period report merges its runs' evidence (ids are stable and name their subject, so
 * the same fact from two runs is one item). Each kind assembles its own section from every run's items.
 */
import type { AnalysisResult } from '../rca/analyse.ts';
import type { EvidenceSet, RcaInput } from '../rca/types.ts';
import type { ReportAnalysis, ReportModel, RunHeader } from '../report/model.ts';
import type { AssembleContext, Kind } from '../kinds/kind.ts';
import { kinds, reportedKinds } from '../kinds/index.ts';
import type { RunPowerTool } from '../run.ts';
import { steadyStateViews, targetRows } from './outcome.ts';
import type { Run } from './process.ts';

export type { Run } from './process.ts';

const itemsOf = (run: Run, kind: Kind): unknown[] => (run.processed.items as unknown as Record<string, unknown[]>)[kind.name] ?? [];

export function rcaInput(run: Run): RcaInput {
  const { inputs } = run;
  const input: RcaInput = { powerTool: inputs.pt, pods: inputs.pods, events: inputs.events };
  for (const kind of kinds as readonly Kind[]) {
    const items = itemsOf(run, kind);
    if (!kind.rca.summarise || items.length === 0) continue;
    const slice = kind.rca.summarise(items, inputs);
    if (slice !== undefined) (input as unknown as Record<string, unknown>)[kind.rca.key] = slice;
  }
  return input;
}

/** Several runs' evidence as one set: the first item with an id stands; findings keep the most severe first. */
export function mergeEvidence(sets: EvidenceSet[]): EvidenceSet {
  if (sets.length === 1) return sets[0] as EvidenceSet;
  const seen = new Set<string>();
  const evidence = sets.flatMap((s) => s.evidence).filter((e) => !seen.has(e.id) && seen.add(e.id));
  const found = new Set<string>();
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  const findings = sets
    .flatMap((s) => s.findings)
    .filter((f) => !found.has(f.id) && found.add(f.id))
    .sort((a, b) => rank[a.severity] - rank[b.severity]);
  return { evidence, findings };
}

function analysisView(result: AnalysisResult): ReportAnalysis {
  if (result.status === 'Succeeded') {
    return {
      status: 'Succeeded',
      model: result.model,
      summary: result.answer.summary,
      causes: result.answer.likelyCauses.map((c) => ({ title: c.cause, confidence: c.confidence, evidence: c.evidence })),
      nextSteps: result.answer.nextSteps,
    };
  }
  if (result.status === 'Failed') return { status: 'Failed', error: result.reason };
  return { status: 'None' };
}

function header(pts: RunPowerTool[], title: { namespace: string; name: string }, runs: Run[]): RunHeader {
  const one = pts.length === 1 ? pts[0] : undefined;
  const starts = pts
    .map((p) => p.status?.startedAt)
    .filter((s): s is string => !!s)
    .sort();
  const ends = pts
    .map((p) => p.status?.finishedAt)
    .filter((s): s is string => !!s)
    .sort();
  const phases = new Set(pts.map((p) => p.status?.phase).filter(Boolean));
  return {
    namespace: title.namespace,
    name: one ? one.metadata.name : title.name,
    tool: [...new Set(pts.map((p) => p.spec.tool.name))].join(', '),
    ...(phases.size === 1 ? { phase: [...phases][0] as string } : {}),
    targets: [...new Set(pts.flatMap((p) => (p.status?.targets ?? []).map((t) => t.pod)))],
    ...(starts[0] ? { startedAt: starts[0] } : {}),
    ...(ends.at(-1) ? { finishedAt: ends.at(-1) as string } : {}),
    ...(one?.status?.requestedBy?.username ? { requestedBy: one.status.requestedBy.username } : {}),
    partial: runs.some((r) => r.inputs.artifacts.some((a) => a.partial)),
  };
}

export interface ModelInput {
  id: string;
  generatedAt: string;
  /** For a period report: the processing, which names the report in the index. */
  title: { namespace: string; name: string };
  runs: Run[];
  set: EvidenceSet;
  analysis: AnalysisResult;
  notes: string[];
}

export function reportModel(m: ModelInput): ReportModel {
  const pts = m.runs.map((r) => r.inputs.pt);
  const several = m.runs.length > 1;
  const ctx: AssembleContext = {
    several,
    label: (run, pod) => (several ? `${run.pt.metadata.name}/${pod}` : pod),
    profilerRuns: m.runs.flatMap((r) =>
      (kinds as readonly Kind[]).flatMap((kind) => (kind.profilerRuns ? kind.profilerRuns(itemsOf(r, kind), r.inputs) : [])),
    ),
  };
  const sections: Record<string, unknown> = {};
  for (const kind of reportedKinds()) {
    const section = kind.report.assemble(
      m.runs.map((r) => ({ run: r.inputs, items: itemsOf(r, kind) })),
      ctx,
    );
    if (section !== undefined) sections[kind.report.field] = section;
  }
  const verdicts = steadyStateViews(pts);
  const notes = [...m.notes, ...m.runs.flatMap((r) => r.processed.notes.map((n) => (several ? `${r.inputs.pt.metadata.name}: ${n}` : n)))];
  return {
    id: m.id,
    generatedAt: m.generatedAt,
    run: header(pts, m.title, m.runs),
    findings: m.set.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      title: f.title,
      detail: f.detail,
      evidence: f.evidence,
      cause: f.cause,
    })),
    evidence: m.set.evidence.map((e) => ({ id: e.id, summary: e.summary, source: e.source })),
    analysis: analysisView(m.analysis),
    targets: targetRows(pts),
    ...(verdicts.length > 0 ? { steadyState: verdicts } : {}),
    ...sections,
    ...(notes.length > 0 ? { notes } : {}),
  };
}
