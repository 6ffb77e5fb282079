import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PowerTool } from '../../api/index.ts';
import { OVERDUE_SLACK_MS, runGauges } from './gauges.ts';

const deadline = '2026-12-07T12:00:00.000Z';
const run = (tool: string, phases: string[], finishGrace = '10s'): PowerTool =>
  ({
    spec: { tool: { name: tool }, targets: { selector: {} } },
    status: { deadline, resolvedTool: { finishGrace }, targets: phases.map((phase, i) => ({ pod: `p${i}`, container: 'app', phase })) },
  }) as unknown as PowerTool;
const at = (ms: number) => new Date(Date.parse(deadline) + ms);

describe('run gauges from the cached PowerTools', () => {
  it('counts injected and running tools per tool, not pending or ended ones', () => {
    const g = runGauges(
      [run('cpu', ['Running', 'Injected', 'Pending', 'Succeeded']), run('cpu', ['Running']), run('perf', ['Failed'])],
      at(-5000),
    );
    assert.deepEqual([...g.active], [['cpu', 3]]);
    assert.deepEqual([...g.pastDeadline], []);
    assert.deepEqual([...g.phases], [['Pending', 3]], 'no status phase yet reads as Pending');
  });

  it('counts a tool past its deadline only after the finish grace and one resync of slack', () => {
    const pts = [run('network', ['Running'])];
    assert.equal(runGauges(pts, at(10_000 + OVERDUE_SLACK_MS)).pastDeadline.size, 0, 'at the edge it may still be stopping');
    assert.deepEqual([...runGauges(pts, at(10_001 + OVERDUE_SLACK_MS)).pastDeadline], [['network', 1]]);
  });
});
