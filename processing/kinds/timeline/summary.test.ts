import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { describe, it } from 'node:test';
import { buildFaultTimeline, expectedCpuMillicores } from './parse.ts';
import { buildEvidence } from '../../rca/evidence.ts';
import { fromTimeline } from './summary.ts';
import type { RcaInput } from '../../rca/types.ts';

describe('fromTimeline', () => {
  it('turns a measured fault timeline into evidence the rules read', async () => {
    // processing/fixtures/samples.jsonl: a real cpu fault asking for 1000m that reached about a quarter of it.
    const status = {
      phase: 'Succeeded' as const,
      startedAt: '2026-11-22T03:32:20Z',
      finishedAt: '2026-11-22T03:32:40Z',
      targets: [
        {
          pod: 'web-1',
          container: 'app',
          ephemeralContainer: 'toe-cpu-0123abcd',
          phase: 'Succeeded' as const,
          startedAt: '2026-11-22T03:32:23.296958Z',
          finishedAt: '2026-11-22T03:32:33.260337Z',
        },
      ],
    };
    const timeline = await buildFaultTimeline({
      tool: 'cpu',
      status,
      pod: 'web-1',
      samples: createReadStream(new URL('../../fixtures/samples.jsonl', import.meta.url)),
      requested: { cpuMillicores: expectedCpuMillicores(2, 50) },
    });
    const summary = fromTimeline(timeline, { cpuMillicores: 2000 });
    assert.equal(summary.effect?.metric, 'cpuMillicores');
    assert.equal(summary.effect?.requested, 1000);
    assert.ok(summary.effect?.achieved !== undefined && summary.effect.achieved < 0.5);
    assert.equal(summary.recoverySeconds, 0.882);
    assert.equal(summary.cpuMillicores?.limit, 2000);
    assert.equal(summary.cpuMillicores?.max, 479);

    const powerTool = {
      apiVersion: 'toe.dev/v1alpha1',
      kind: 'PowerTool',
      metadata: { name: 'cpu', namespace: 'shop' },
      spec: { tool: { name: 'cpu' } },
      status,
    };
    const { findings } = buildEvidence({ powerTool, timeline: summary } as unknown as RcaInput);
    assert.deepEqual(
      findings.map((f) => f.cause),
      ['FaultHadNoEffect'],
    );
  });
});
