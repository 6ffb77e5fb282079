/**
 * Builds one report: gather each covered run's inputs, run the processors (streaming), build the evidence,
 * ask the LLM when spec.analysis is set (bounded by its timeout; a failure is recorded in the report, never
 * blocks it), render, write atomically. At most `ctx.builds.limit` builds run at once across all processings.
 * Throws only when the report cannot be written; missing data becomes notes inside the report.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { analyse, type AnalysisResult } from '../../../processing/rca/analyse.ts';
import { buildEvidence } from '../../../processing/rca/evidence.ts';
import type { PowerToolProcessingSpec, ReportRecord } from '../../api/index.ts';
import { mergeEvidence, rcaInput, reportModel, type Run } from '../../../processing/pipeline/assemble.ts';
import type { LivePowerTool, LiveProcessing, ProcessingContext } from './context.ts';
import { reportUrl } from './expose.ts';
import { gatherRun, type RunSource } from '../../../processing/pipeline/gather.ts';
import { processRun } from '../../../processing/pipeline/process.ts';
import type { Candidate } from './trigger.ts';
import { workDir, writeReport } from '../../../processing/pipeline/write.ts';

export interface BuildRequest {
  processing: LiveProcessing;
  spec: PowerToolProcessingSpec;
  candidate: Candidate;
  /** The covered PowerTools that still exist (a period's runs may have been deleted since). */
  powerTools: LivePowerTool[];
}

export interface Built {
  record: ReportRecord;
  analysis: AnalysisResult;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The controller reads target pods from its informer cache, the collector with its reader token. */
function runSource(ctx: ProcessingContext): RunSource {
  return {
    clients: ctx.clients,
    pod: (namespace, name) => ctx.caches.pods.get(name, namespace),
    ...(ctx.collectorUrl ? { collector: { url: ctx.collectorUrl, token: () => ctx.readerToken.get() } } : {}),
  };
}

export async function buildReport(ctx: ProcessingContext, req: BuildRequest): Promise<Built> {
  return ctx.builds.run(async () => {
    const started = performance.now();
    try {
      const built = await build(ctx, req);
      ctx.metrics.reportsTotal.inc({ result: 'built' });
      if (built.analysis.status !== 'None') ctx.metrics.reportAnalysesTotal.inc({ result: built.analysis.status });
      return built;
    } catch (err) {
      ctx.metrics.reportsTotal.inc({ result: 'failed' });
      throw err;
    } finally {
      ctx.metrics.reportBuildDuration.observe((performance.now() - started) / 1000);
    }
  });
}

async function build(ctx: ProcessingContext, req: BuildRequest): Promise<Built> {
  const { processing, spec, candidate } = req;
  const namespace = processing.metadata.namespace ?? '';
  const work = await workDir(ctx.reportsDir);
  try {
    const runs: Run[] = [];
    for (const pt of req.powerTools) {
      const inputs = await gatherRun(runSource(ctx), pt, join(work, pt.metadata.uid ?? pt.metadata.name));
      runs.push({ inputs, processed: await processRun(inputs) });
    }
    const set = mergeEvidence(runs.map((r) => buildEvidence(rcaInput(r))));
    const analysis = await analyse(set, spec.analysis, { signal: ctx.signal });
    const generatedAt = ctx.now().toISOString();
    const notes: string[] = [];
    if (candidate.period) {
      notes.push(
        `Covers the ${runs.length} run(s) that finished between ${iso(candidate.period.start)} and ${iso(candidate.period.end)}: ${runs.map((r) => r.inputs.pt.metadata.name).join(', ')}.`,
      );
      const missing = candidate.powerTools.filter((n) => !req.powerTools.some((p) => p.metadata.name === n));
      if (missing.length > 0) notes.push(`Deleted before this report was built, so left out: ${missing.join(', ')}.`);
    }
    const model = reportModel({
      id: candidate.id,
      generatedAt,
      title: { namespace, name: processing.metadata.name },
      runs,
      set,
      analysis,
      notes,
    });
    if (spec.report.enabled) await writeReport(ctx.reportsDir, namespace, processing.metadata.name, model);
    const url = spec.report.enabled
      ? reportUrl({ namespace, name: processing.metadata.name, uid: processing.metadata.uid ?? '' }, spec, ctx.serve, candidate.id)
      : undefined;
    const record: ReportRecord = {
      id: candidate.id,
      ...(url ? { url } : {}),
      powerTools: candidate.powerTools,
      generatedAt,
      finishedAt: iso(candidate.finishedAt),
      findings: set.findings.length,
      analysis: analysis.status,
    };
    return { record, analysis };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
