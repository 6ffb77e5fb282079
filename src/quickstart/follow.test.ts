import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PowerTool, TargetStatus } from '../api/index.ts';
import { finished, progressLines, refusal } from './follow.ts';

const base = {
  apiVersion: 'toe.dev/v1alpha1',
  kind: 'PowerTool',
  metadata: { name: 'qs', namespace: 'demo', generation: 1 },
  spec: {
    targets: { selector: { matchLabels: { app: 'a' } }, maxTargets: 3 },
    tool: { name: 'perf', args: [] },
    output: { mode: 'logs' },
    dryRun: false,
    suspend: false,
  },
} as unknown as PowerTool;
const target = (pod: string, phase: TargetStatus['phase'], extra: Partial<TargetStatus> = {}): TargetStatus => ({
  pod,
  container: 'app',
  ephemeralContainer: `toe-perf-${pod}`,
  phase,
  ...extra,
});
const at = (status: PowerTool['status']): PowerTool => ({ ...base, status });

describe('progressLines', () => {
  it('reports the phase and each target once per change', () => {
    const a = at({ phase: 'Pending', selected: 2, injected: 1, targets: [target('p1', 'Injected'), target('p2', 'Pending')] });
    assert.deepEqual(progressLines(undefined, a), [
      'phase Pending (2 selected, 1 injected, 0 succeeded, 0 failed)',
      'p1: Injected as toe-perf-p1',
      'p2: Pending',
    ]);
    const b = at({ phase: 'Pending', selected: 2, injected: 2, targets: [target('p1', 'Injected'), target('p2', 'Injected')] });
    assert.deepEqual(progressLines(a, b), ['p2: Injected as toe-perf-p2']);
    assert.deepEqual(progressLines(b, b), []);
  });

  it('gives exit codes and failure reasons of ended targets', () => {
    const a = at({ phase: 'Running', targets: [target('p1', 'Running'), target('p2', 'Running')] });
    const b = at({
      phase: 'Failed',
      selected: 2,
      injected: 2,
      succeeded: 1,
      failed: 1,
      targets: [
        target('p1', 'Succeeded', { exitCode: 0 }),
        target('p2', 'Failed', { exitCode: 1, reason: 'Error', message: 'perf: no such pid' }),
      ],
    });
    assert.deepEqual(progressLines(a, b), [
      'phase Failed (2 selected, 2 injected, 1 succeeded, 1 failed)',
      'p1: Succeeded, exit 0',
      'p2: Failed, exit 1 (Error: perf: no such pid)',
    ]);
  });

  it('names the refusal when a run is blocked', () => {
    const pt = at({
      phase: 'Failed',
      finishedAt: 'x',
      observedGeneration: 1,
      conditions: [{ type: 'Admitted', status: 'False', reason: 'ArgsRefused', message: 'spec.tool.args[0]: no', lastTransitionTime: 'x' }],
    });
    assert.equal(refusal(pt), 'ArgsRefused: spec.tool.args[0]: no');
    assert.deepEqual(progressLines(undefined, pt), ['phase Failed: ArgsRefused: spec.tool.args[0]: no']);
  });
});

describe('finished', () => {
  it('waits for the end recorded for the current generation', () => {
    assert.equal(finished(at({ phase: 'Running' })), false);
    assert.equal(finished(at({ phase: 'Succeeded', finishedAt: 't', observedGeneration: 0 })), false);
    assert.equal(finished(at({ phase: 'Succeeded', finishedAt: 't', observedGeneration: 1 })), true);
  });
});
