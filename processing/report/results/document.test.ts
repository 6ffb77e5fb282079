import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ReportModel, SteadyStateView } from '../model.ts';
import { reportDocumentOf, reportJsonSchema } from './document.ts';

const published = JSON.parse(readFileSync(new URL('./report.v1.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(published);

const view = (powerTool: string, held: SteadyStateView['held'], verdict: string): SteadyStateView => ({
  powerTool,
  held,
  verdict,
  probes: [{ name: 'checkout', kind: 'http', checks: 3, failures: held === 'False' ? 3 : 0 }],
});

const model = (steadyState?: SteadyStateView[]): ReportModel => ({
  id: 'r1',
  generatedAt: '2026-12-07T10:00:00Z',
  run: { namespace: 'shop', name: 'web-cpu', tool: 'cpu', phase: 'Succeeded', targets: ['web-1'] },
  findings: [{ id: 'f1', severity: 'warning', title: 't', detail: 'd', evidence: ['ev-1'], cause: undefined }],
  evidence: [{ id: 'ev-1', summary: 's', source: undefined }],
  analysis: {
    status: 'Succeeded',
    model: 'm',
    summary: 's',
    causes: [{ title: 'c', confidence: 1.7, evidence: ['ev-1'] }],
    nextSteps: ['n'],
  },
  targets: [{ powerTool: 'shop/web-cpu', pod: 'web-1', container: 'app', phase: 'Succeeded', partial: false, artifacts: 1, bytes: 10 }],
  ...(steadyState ? { steadyState } : {}),
  timelines: [] as never,
  strace: { summary: [] } as never,
});

describe('report document v1', () => {
  it('is published as the schema its zod definition generates (npm run gen:report-schema)', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(reportJsonSchema())), published);
  });

  it('validates against the published schema, with the sections that have data and a clamped confidence', () => {
    const doc = JSON.parse(JSON.stringify(reportDocumentOf(model([view('shop/web-cpu', 'True', 'Held')])))) as Record<string, unknown>;
    assert.equal(validate(doc), true, JSON.stringify(validate.errors));
    assert.deepEqual(doc.sections, ['strace']);
    assert.equal((doc.analysis as { causes: { confidence: number }[] }).causes[0]?.confidence, 1);
  });

  it('sums the runs up: Broken when any run broke, Checking while any is open, NotChecked without probes', () => {
    const verdict = (views?: SteadyStateView[]) => reportDocumentOf(model(views)).steadyState.verdict;
    assert.equal(verdict(), 'NotChecked');
    assert.equal(verdict([view('a/x', 'True', 'Held'), view('a/y', 'True', 'Held')]), 'Held');
    assert.equal(verdict([view('a/x', 'True', 'Held'), view('a/y', 'Unknown', 'Checking')]), 'Checking');
    assert.equal(verdict([view('a/x', 'Unknown', 'Checking'), view('a/y', 'False', 'NotRecovered')]), 'Broken');
  });

  it('is refused by the schema with a field it does not define, or another apiVersion', () => {
    const doc = JSON.parse(JSON.stringify(reportDocumentOf(model()))) as Record<string, unknown>;
    assert.equal(validate({ ...doc, extra: 1 }), false);
    assert.equal(validate({ ...doc, apiVersion: 'report.toe.dev/v2' }), false);
    assert.equal(validate({ ...doc, targets: [{ pod: 'web-1' }] }), false);
  });
});
