import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { buildEvidence } from '../rca/evidence.ts';
import { renderReport } from '../report/page.ts';
import type { ArtifactInput, RunInputs, RunPowerTool as LivePowerTool } from '../run.ts';
import { mergeEvidence, rcaInput, reportModel, type Run } from './assemble.ts';
import { processRun } from './process.ts';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const artifact = (pod: string, name: string, partial = false): ArtifactInput => ({
  pod,
  name,
  partial,
  open: async () => createReadStream(fixture(name)),
});

function powerTool(name: string, tool: string, startedAt: string, finishedAt: string, effect?: Record<string, unknown>): LivePowerTool {
  return {
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name, namespace: 'shop', uid: `uid-${name}` },
    spec: {
      targets: { selector: { matchLabels: { app: 'web' } }, maxTargets: 10 },
      tool: { name: tool, args: [] },
      output: { mode: 'collector' },
      dryRun: false,
      suspend: false,
    },
    status: {
      phase: 'Succeeded',
      startedAt,
      finishedAt,
      targets: [
        {
          pod: 'web-1',
          container: 'app',
          ephemeralContainer: `toe-${tool}-1`,
          phase: 'Succeeded',
          startedAt,
          finishedAt,
          exitCode: 0,
          ...(effect ? { result: { effect } } : {}),
        },
      ],
    },
  } as LivePowerTool;
}

async function run(pt: LivePowerTool, artifacts: ArtifactInput[], notes: string[] = []): Promise<Run> {
  const inputs: RunInputs = { pt, pods: [], events: [], artifacts, notes };
  return { inputs, processed: await processRun(inputs) };
}

describe('assemble', () => {
  it('turns a perf run into a report whose flame graph and findings name the hot function', async () => {
    const perf = await run(powerTool('web-perf', 'perf', '2026-11-22T03:32:20Z', '2026-11-22T03:32:40Z'), [
      artifact('web-1', 'perf.script'),
      artifact('web-1', 'perf.data.tar'),
    ]);
    const set = buildEvidence(rcaInput(perf));
    assert.ok(
      set.findings.some((f) => f.cause === 'HotFunction' && f.title.includes('hot_loop')),
      JSON.stringify(set.findings),
    );
    const model = reportModel({
      id: 'web-perf-1',
      generatedAt: '2026-11-22T03:40:00Z',
      title: { namespace: 'shop', name: 'p' },
      runs: [perf],
      set,
      analysis: { status: 'None' },
      notes: [],
    });
    assert.equal(model.run.name, 'web-perf');
    assert.deepEqual(model.run.targets, ['web-1']);
    assert.equal(model.perf?.targets[0]?.top[0]?.name, 'hot_loop');
    assert.deepEqual(model.notes, ['Kept but not shown (no processor for them): perf.data.tar.']);
    assert.match(renderReport(model), /hot_loop/);
  });

  it('says what it could not read, and marks partial artifacts', async () => {
    const broken: ArtifactInput = {
      pod: 'web-1',
      name: 'strace.summary',
      partial: false,
      open: async () => Promise.reject(new Error('connection reset')),
    };
    const r = await run(
      powerTool('st', 'strace', '2026-11-22T03:32:20Z', '2026-11-22T03:32:40Z'),
      [broken, artifact('web-1', 'strace.trace', true)],
      ['the log was short'],
    );
    assert.deepEqual(r.processed.notes, [
      'the log was short',
      'web-1/strace.summary could not be processed: connection reset',
      'web-1/strace.trace is partial: the tool was stopped or cut off before it finished collecting.',
    ]);
    assert.equal(r.processed.items.strace.length, 1);
  });

  it('puts a profiler that ran on the fault pod on the fault timeline, in one report for the period', async () => {
    const fault = await run(
      powerTool('web-cpu', 'cpu', '2026-11-22T03:32:23.296958Z', '2026-11-22T03:32:33.260337Z', { requestedMillicores: 1000 }),
      [artifact('web-1', 'samples.jsonl')],
    );
    const perf = await run(powerTool('web-perf', 'perf', '2026-11-22T03:32:25Z', '2026-11-22T03:32:27Z'), [
      artifact('web-1', 'perf.script'),
    ]);
    const set = mergeEvidence([fault, perf].map((r) => buildEvidence(rcaInput(r))));
    assert.equal(new Set(set.evidence.map((e) => e.id)).size, set.evidence.length, 'evidence ids stay unique');
    const model = reportModel({
      id: 'period-x',
      generatedAt: '2026-11-22T03:40:00Z',
      title: { namespace: 'shop', name: 'nightly' },
      runs: [fault, perf],
      set,
      analysis: { status: 'Failed', reason: 'cannot reach Ollama', attempts: 1, errors: [] },
      notes: ['Covers 2 runs'],
    });
    assert.equal(model.run.name, 'nightly');
    assert.equal(model.run.tool, 'cpu, perf');
    assert.equal(model.timelines?.length, 1);
    assert.ok(
      model.timelines?.[0]?.overlays.some((o) => o.label === 'perf profile'),
      JSON.stringify(model.timelines?.[0]?.overlays),
    );
    assert.ok((model.timelines?.[0]?.series.profilerSamples ?? []).length > 0, 'perf samples per second on the same axis');
    assert.equal(model.timelines?.[0]?.effects.find((e) => e.metric === 'cpuMillicores')?.requested, 1000);
    assert.deepEqual(model.analysis, { status: 'Failed', error: 'cannot reach Ollama' });
    assert.equal(model.perf?.targets[0]?.name, 'web-perf/web-1');
  });
});
