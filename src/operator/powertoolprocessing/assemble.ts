/**
 * From processed runs to what the RCA module and the report take: pure. One run gives one evidence input; a
 * period report merges its runs' evidence (ids are stable and name their subject, so the same fact from two runs
 * is one item). A profiler that ran on the pod of a fault joins that fault's timeline.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { mergeFolded } from '../../../processing/folded.ts';
import { topFunctions } from '../../../processing/flame.ts';
import { assemblePerf } from '../../../processing/report/assemble.ts';
import type { ReportAnalysis, ReportModel, RunHeader } from '../../../processing/report/model.ts';
import { addProfilerRun, type Timeline } from '../../../processing/timeline.ts';
import type { AnalysisResult } from '../../../processing/rca/analyse.ts';
import { fromTimeline, type Limits } from '../../../processing/rca/from-timeline.ts';
import type { EvidenceSet, RcaInput } from '../../../processing/rca/types.ts';
import { parseQuantity } from '../../api/units.ts';
import type { LivePowerTool } from './context.ts';
import type { RunInputs } from './gather.ts';
import type { ProcessedRun } from './process.ts';

export interface Run {
  inputs: RunInputs;
  processed: ProcessedRun;
}

const round = (n: number): number => Math.round(n * 10) / 10;

function limitsOf(pod: V1Pod | undefined, container: string | undefined): Limits {
  const c = pod?.spec?.containers?.find((x) => x.name === container) ?? pod?.spec?.containers?.[0];
  const cpu = c?.resources?.limits?.cpu === undefined ? undefined : parseQuantity(String(c.resources.limits.cpu));
  const memory = c?.resources?.limits?.memory === undefined ? undefined : parseQuantity(String(c.resources.limits.memory));
  return { ...(cpu !== undefined ? { cpuMillicores: cpu * 1000 } : {}), ...(memory !== undefined ? { memoryBytes: memory } : {}) };
}

export function rcaInput(run: Run): RcaInput {
  const { inputs, processed } = run;
  const input: RcaInput = { powerTool: inputs.pt, pods: inputs.pods, events: inputs.events };
  if (processed.perf.length > 0) {
    const merged = mergeFolded(processed.perf.map((p) => p.profile));
    input.perf = {
      topFunctions: topFunctions(merged, 20).map((r) => ({ name: r.name, selfPct: round(r.selfPercent), totalPct: round(r.totalPercent) })),
    };
  }
  if (processed.strace.length > 0) {
    input.strace = {
      rows: processed.strace.flatMap((s) =>
        s.rows.map((r) => ({
          syscall: r.syscall,
          calls: r.calls,
          errors: r.errors,
          seconds: r.seconds,
          ...(s.errnos?.[r.syscall] ? { errnos: s.errnos[r.syscall] } : {}),
        })),
      ),
    };
  }
  if (processed.traffic.length > 0) {
    const all = processed.traffic.map((t) => t.summary);
    input.tcpdump = {
      packets: all.reduce((n, s) => n + s.packets, 0),
      bytes: all.reduce((n, s) => n + s.bytes, 0),
      tcpResets: all.reduce((n, s) => n + s.tcpResets, 0),
      topTalkers: all
        .flatMap((s) => s.talkers)
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 10)
        .map((t) => ({ address: `${t.src} → ${t.dst}`, bytes: t.bytes, packets: t.packets })),
    };
  }
  const timeline = processed.timelines[0];
  if (timeline) {
    const target = inputs.pt.status?.targets?.find((t) => t.pod === timeline.pod);
    input.timeline = fromTimeline(
      timeline,
      limitsOf(
        inputs.pods.find((p) => p.metadata?.name === timeline.pod),
        target?.container,
      ),
    );
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

/** A fault's timeline with every perf run on the same pod laid over it. */
function overlaid(timeline: Timeline, runs: Run[]): Timeline {
  let out = timeline;
  for (const run of runs) {
    for (const p of run.processed.perf) {
      const target = run.inputs.pt.status?.targets?.find((t) => t.pod === p.pod);
      if (p.pod !== timeline.pod || !target?.startedAt) continue;
      out = addProfilerRun(out, {
        tool: run.inputs.pt.spec.tool.name,
        startedAt: target.startedAt,
        ...(target.finishedAt ? { finishedAt: target.finishedAt } : {}),
        ...(p.profile.timeSeries ? { samplesPerSecond: p.profile.timeSeries } : {}),
      });
    }
  }
  return out;
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

function header(pts: LivePowerTool[], title: { namespace: string; name: string }, runs: Run[]): RunHeader {
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
  const label = (r: Run, pod: string): string => (several ? `${r.inputs.pt.metadata.name}/${pod}` : pod);
  const perfTargets = m.runs.flatMap((r) => r.processed.perf.map((p) => ({ name: label(r, p.pod), profile: p.profile })));
  const strace = m.runs.flatMap((r) =>
    r.processed.strace.map(({ pod: _pod, errnos: _errnos, ...view }) => ({
      ...view,
      name: several ? `${r.inputs.pt.metadata.name}: ${view.name}` : view.name,
    })),
  );
  const traffic = m.runs.flatMap((r) => r.processed.traffic.map((t) => ({ name: label(r, t.name), summary: t.summary })));
  const timelines = m.runs.flatMap((r) => r.processed.timelines).map((t) => overlaid(t, m.runs));
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
    ...(perfTargets.length > 0 ? { perf: assemblePerf({ targets: perfTargets }) } : {}),
    ...(strace.length > 0 ? { strace } : {}),
    ...(traffic.length > 0 ? { traffic } : {}),
    ...(timelines.length > 0 ? { timelines } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
