import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PowerTool, TargetStatus } from '../api/index.ts';
import { formatBytes, formatSummary, resultSummary } from './summary.ts';

const t1: TargetStatus = {
  pod: 'demo-app-1',
  container: 'app',
  ephemeralContainer: 'toe-perf-0123abcd',
  phase: 'Succeeded',
  exitCode: 0,
  result: {
    tool: 'perf',
    exitReason: 'Completed',
    partial: false,
    artifacts: [{ name: 'perf.script', bytes: 25648, partial: false }],
    message: '64 samples',
  },
};
const pt = {
  apiVersion: 'toe.dev/v1alpha1',
  kind: 'PowerTool',
  metadata: { name: 'quickstart-x', namespace: 'demo' },
  spec: {},
  status: { phase: 'Succeeded', selected: 1, succeeded: 1, targets: [t1] },
} as unknown as PowerTool;

describe('quickstart summary', () => {
  it('sizes bytes for people', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(25648), '25.0 KiB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MiB');
  });

  it('says how a tool ended and what it collected', () => {
    assert.equal(resultSummary(t1), 'Completed: perf.script 25.0 KiB — 64 samples');
    assert.equal(
      resultSummary({
        ...t1,
        result: { exitReason: 'Deadline', partial: true, artifacts: [{ name: 'perf.script', bytes: 10, partial: true }] },
      }),
      'Deadline, partial: perf.script 10 B (partial)',
    );
    assert.equal(resultSummary({ ...t1, result: undefined, reason: 'Error', message: 'exec failed' }), 'exec failed');
  });

  it('prints targets, the hot functions with a share, where the data is and what to run next', () => {
    const text = formatSummary({
      pt,
      targets: [t1],
      top: [
        { name: 'toe_demo_hot_loop', self: 97, total: 100, selfPercent: 97, totalPercent: 100 },
        { name: 'main', self: 0, total: 100, selfPercent: 0, totalPercent: 100 },
      ],
      samples: 100,
      report: '/r/demo/quickstart/quickstart-x.html',
      reportsDir: '/r',
      kubectl: 'kubectl',
      exportKubeconfig: '/var/lib/toe/kubeconfig',
      local: true,
      notes: [],
    });
    assert.match(text, /PowerTool demo\/quickstart-x: Succeeded \(1 of 1 targets succeeded\)/);
    assert.match(text, /demo-app-1 +0 +Completed: perf\.script 25\.0 KiB/);
    assert.match(text, / 97\.0% +100\.0% +toe_demo_hot_loop/);
    assert.doesNotMatch(text, /\bmain\b/, 'functions without self time are left out');
    assert.match(text, /kubectl logs -n demo demo-app-1 -c toe-perf-0123abcd/);
    assert.match(text, /Report: \/r\/demo\/quickstart\/quickstart-x\.html/);
    assert.match(text, /export KUBECONFIG=\/var\/lib\/toe\/kubeconfig\n {2}kubectl get pt -n demo/);
    assert.match(text, /npx toe cluster down/);
  });
});
