/**
 * The report as a JSON document for programs (a CI job, a trend page, a notebook): versioned by `apiVersion`, its
 * schema defined here once and published as `report.v1.schema.json` (generated, checked in sync by a test). Within
 * v1 fields are only ever added; a renamed or removed field is v2.
 */
import { z } from 'zod';
import type { ReportModel } from '../model.ts';

export const REPORT_API_VERSION = 'report.toe.dev/v1';

const time = z.string().describe('RFC 3339, UTC.');

const targetRow = z
  .object({
    powerTool: z.string().describe('namespace/name of the PowerTool.'),
    pod: z.string(),
    container: z.string().describe('The container the tool attached to.'),
    phase: z.string().describe('Pending, Injected, Running, Succeeded, Failed, Stopped or Gone.'),
    reason: z.string().optional(),
    stopReason: z.string().optional().describe('Why the operator stopped the tool early.'),
    startedAt: time.optional(),
    finishedAt: time.optional(),
    exitCode: z.number().int().optional(),
    partial: z.boolean().describe('True when any artifact was cut short.'),
    artifacts: z.number().int().min(0),
    bytes: z.number().int().min(0),
    message: z.string().optional(),
  })
  .strict();

const probe = z
  .object({
    name: z.string(),
    kind: z.string().describe('http or kubernetes (more kinds may come within v1).'),
    checks: z.number().int().min(0),
    failures: z.number().int().min(0),
    lastResult: z.string().optional().describe('Pass or Fail.'),
    lastValue: z.string().optional(),
    firstBreachAt: time.optional(),
    breachedAt: time.optional().describe('When failureThreshold was reached and the run aborted.'),
    recoveredAt: time.optional(),
    recoverySeconds: z.number().min(0).optional(),
  })
  .strict();

const steadyState = z
  .object({
    powerTool: z.string(),
    verdict: z.string().describe('Held, Breached, NotRecovered, NotHeldBeforeStart or Checking.'),
    held: z.enum(['True', 'False', 'Unknown']),
    message: z.string().optional(),
    probes: z.array(probe),
  })
  .strict();

export const reportDocument = z
  .object({
    apiVersion: z.literal(REPORT_API_VERSION),
    kind: z.literal('Report'),
    id: z.string().describe("The report's stable id (the run it covers)."),
    generatedAt: time,
    run: z
      .object({
        namespace: z.string(),
        name: z.string(),
        tool: z.string(),
        phase: z.string().optional(),
        targets: z.array(z.string()).describe('Target pod names.'),
        startedAt: time.optional(),
        finishedAt: time.optional(),
        requestedBy: z.string().optional(),
        partial: z.boolean(),
      })
      .strict(),
    steadyState: z
      .object({
        verdict: z
          .enum(['Held', 'Broken', 'Checking', 'NotChecked'])
          .describe('Held when every run with probes held, Broken when any did not, NotChecked without probes.'),
        runs: z.array(steadyState),
      })
      .strict(),
    targets: z.array(targetRow),
    findings: z.array(
      z
        .object({
          id: z.string(),
          severity: z.enum(['info', 'warning', 'critical']),
          title: z.string(),
          detail: z.string(),
          evidence: z.array(z.string()).describe('Ids of items in evidence.'),
          cause: z.string().optional(),
        })
        .strict(),
    ),
    evidence: z.array(z.object({ id: z.string(), summary: z.string(), source: z.string().optional() }).strict()),
    analysis: z
      .object({
        status: z.enum(['Succeeded', 'Failed', 'None']),
        model: z.string().optional(),
        summary: z.string().optional(),
        causes: z
          .array(
            z
              .object({
                title: z.string(),
                confidence: z.number().min(0).max(1),
                evidence: z.array(z.string()),
                detail: z.string().optional(),
              })
              .strict(),
          )
          .optional(),
        nextSteps: z.array(z.string()).optional(),
        error: z.string().optional(),
      })
      .strict(),
    sections: z.array(z.string()).describe('The kinds of collected data the HTML report has a section for (perf, strace, timeline, …).'),
    notes: z.array(z.string()).describe('Artifacts that were partial or could not be read.'),
  })
  .strict()
  .describe('A TOE report: what ran, what happened to each target, the steady-state verdict and the findings.');

export type ReportDocument = z.infer<typeof reportDocument>;

const BASE_FIELDS = new Set(['id', 'generatedAt', 'run', 'findings', 'evidence', 'analysis', 'targets', 'steadyState', 'notes']);

function overall(views: ReportDocument['steadyState']['runs']): ReportDocument['steadyState']['verdict'] {
  if (views.length === 0) return 'NotChecked';
  if (views.some((v) => v.held === 'False')) return 'Broken';
  if (views.some((v) => v.held === 'Unknown')) return 'Checking';
  return 'Held';
}

export function reportDocumentOf(model: ReportModel): ReportDocument {
  const runs = model.steadyState ?? [];
  const clamp = (n: number): number => Math.max(0, Math.min(1, Number.isFinite(n) ? n : 0));
  return {
    apiVersion: REPORT_API_VERSION,
    kind: 'Report',
    id: model.id,
    generatedAt: model.generatedAt,
    run: { ...model.run, partial: model.run.partial ?? false },
    steadyState: { verdict: overall(runs), runs },
    targets: model.targets ?? [],
    findings: model.findings ?? [],
    evidence: model.evidence ?? [],
    analysis: model.analysis
      ? {
          ...model.analysis,
          ...(model.analysis.causes ? { causes: model.analysis.causes.map((c) => ({ ...c, confidence: clamp(c.confidence) })) } : {}),
        }
      : { status: 'None' },
    sections: Object.keys(model)
      .filter((k) => !BASE_FIELDS.has(k) && shown((model as unknown as Record<string, unknown>)[k]))
      .sort(),
    notes: model.notes ?? [],
  };
}

const shown = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null);

/** The published JSON Schema of v1 (draft 2020-12), as `report.v1.schema.json` holds it. */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://toe.dev/schemas/report.v1.schema.json',
    ...z.toJSONSchema(reportDocument, { target: 'draft-2020-12' }),
  };
}
