import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PowerToolScenarioStatus, ScenarioStep } from '../../api/index.ts';
import { plan, toolEnded, toolName, type PlanInput, type Tool } from './plan.ts';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const tpl = { spec: { targets: { selector: {} }, tool: { name: 'perf' } } } as unknown as NonNullable<ScenarioStep['powerTools']>[number];
const steps: ScenarioStep[] = [
  { name: 'baseline', baseline: true, powerTools: [tpl] },
  { name: 'fault', powerTools: [tpl, tpl] },
  { name: 'settle', wait: '30s' },
  { name: 'check', powerTools: [tpl] },
];
const tool = (name: string, over: Partial<Tool> = {}): Tool => ({ name, owned: true, suspended: false, ...over });
const n = (step: string, i = 0) => toolName('s', step, i);
const input = (over: Partial<PlanInput> & { toolList?: Tool[] } = {}): PlanInput => ({
  scenario: 's',
  steps,
  suspend: false,
  tools: new Map((over.toolList ?? []).map((t) => [t.name, t])),
  now: T0,
  ...over,
});
/** Runs the plan and feeds its step records into the next pass, as the status write would. */
const status = (p: ReturnType<typeof plan>): PowerToolScenarioStatus => ({ steps: p.steps });

describe('plan', () => {
  it('creates the first step’s PowerTools and nothing else', () => {
    const p = plan(input());
    assert.deepEqual(p.create, [{ step: 0, index: 0, name: 's-baseline-0' }]);
    assert.equal(p.phase, 'Running');
    assert.equal(p.currentStep, 'baseline');
    assert.deepEqual(
      p.steps.map((s) => s.phase),
      ['Running', 'Pending', 'Pending', 'Pending'],
    );
  });

  it('creates nothing twice: a PowerTool that exists is waited for', () => {
    const first = plan(input());
    const p = plan(input({ previous: status(first), toolList: [tool(n('baseline'), { phase: 'Running' })] }));
    assert.deepEqual(p.create, []);
    assert.equal(p.steps[0]?.startedAt, new Date(T0).toISOString());
  });

  it('starts a parallel step once the one before succeeded, all its PowerTools at once', () => {
    const first = plan(input());
    const p = plan(input({ previous: status(first), toolList: [tool(n('baseline'), { phase: 'Succeeded' })], now: T0 + 5_000 }));
    assert.equal(p.steps[0]?.phase, 'Succeeded');
    assert.deepEqual(
      p.create.map((c) => c.name),
      [n('fault', 0), n('fault', 1)],
    );
    assert.equal(p.currentStep, 'fault');
  });

  it('waits for a PowerTool’s probes to give their verdict before the step ends', () => {
    const first = plan(input());
    const recovering = tool(n('baseline'), { phase: 'Succeeded', steadyStage: 'After' });
    assert.equal(toolEnded(recovering), false);
    const p = plan(input({ previous: status(first), toolList: [recovering] }));
    assert.equal(p.steps[0]?.phase, 'Running');
    assert.deepEqual(p.create, []);
  });

  it('a failed PowerTool fails its step, suspends its running sibling and skips the rest', () => {
    let prev = status(plan(input()));
    prev = status(plan(input({ previous: prev, toolList: [tool(n('baseline'), { phase: 'Succeeded' })] })));
    const toolList = [
      tool(n('baseline'), { phase: 'Succeeded' }),
      tool(n('fault', 0), { phase: 'Failed' }),
      tool(n('fault', 1), { phase: 'Running' }),
    ];
    const p = plan(input({ previous: prev, toolList, now: T0 + 10_000 }));
    assert.equal(p.phase, 'Failed');
    assert.deepEqual(p.suspend, [n('fault', 1)]);
    assert.deepEqual(
      p.steps.map((s) => s.phase),
      ['Succeeded', 'Failed', 'Skipped', 'Skipped'],
    );
    assert.match(p.steps[1]?.message ?? '', /PowerTool s-fault-0 ended Failed/);
    assert.equal(p.outcome.reason, 'StepFailed');
    // The outcome is kept: the next pass suspends nothing again and creates nothing.
    const again = plan(input({ previous: status(p), toolList, now: T0 + 20_000 }));
    assert.deepEqual([again.phase, again.suspend, again.create], ['Failed', [], []]);
  });

  it('a breached steady state fails the step even when the PowerTool succeeded', () => {
    const first = plan(input());
    const held = { status: 'False' as const, reason: 'NotRecovered', message: 'probe web saw 503' };
    const p = plan(input({ previous: status(first), toolList: [tool(n('baseline'), { phase: 'Succeeded', steadyStage: 'Done', held })] }));
    assert.equal(p.steps[0]?.phase, 'Failed');
    assert.match(p.steps[0]?.message ?? '', /NotRecovered: probe web saw 503/);
  });

  it('a wait step ends after its duration and says when to come back', () => {
    const prev: PowerToolScenarioStatus = {
      steps: [
        { name: 'baseline', phase: 'Succeeded' },
        { name: 'fault', phase: 'Succeeded' },
        { name: 'settle', phase: 'Running', startedAt: new Date(T0).toISOString() },
        { name: 'check', phase: 'Pending' },
      ],
    };
    const waiting = plan(input({ previous: prev, now: T0 + 10_000 }));
    assert.deepEqual([waiting.steps[2]?.phase, waiting.requeueAfterMs, waiting.create], ['Running', 20_000, []]);
    const done = plan(input({ previous: prev, now: T0 + 30_000 }));
    assert.equal(done.steps[2]?.phase, 'Succeeded');
    assert.deepEqual(
      done.create.map((c) => c.name),
      [n('check')],
    );
  });

  it('succeeds when every step did', () => {
    const prev: PowerToolScenarioStatus = {
      steps: [
        ...['baseline', 'fault', 'settle'].map((name) => ({ name, phase: 'Succeeded' as const })),
        { name: 'check', phase: 'Running', powerTools: [n('check')], startedAt: new Date(T0).toISOString() },
      ],
    };
    const p = plan(input({ previous: prev, toolList: [tool(n('check'), { phase: 'Succeeded' })] }));
    assert.equal(p.phase, 'Succeeded');
    assert.equal(p.outcome.reason, 'AllSucceeded');
  });

  it('a PowerTool recorded as created and now gone is reported missing, and fails the step', () => {
    const first = plan(input());
    const p = plan(input({ previous: status(first) }));
    assert.deepEqual(p.missing, [n('baseline')]);
    assert.deepEqual(p.create, []);
    assert.equal(p.steps[0]?.phase, 'Failed');
  });

  it('a same-named PowerTool it does not own fails the step, and is not suspended', () => {
    const p = plan(input({ toolList: [tool(n('baseline'), { owned: false, phase: 'Running' })] }));
    assert.equal(p.steps[0]?.phase, 'Failed');
    assert.deepEqual(p.suspend, []);
    assert.match(p.steps[0]?.message ?? '', /not owned by this scenario/);
  });

  it('spec.suspend holds before the start, and once started aborts: suspends the running step and skips the rest', () => {
    const held = plan(input({ suspend: true }));
    assert.deepEqual([held.phase, held.create, held.outcome.reason], ['Pending', [], 'Suspended']);
    const first = plan(input());
    const p = plan(input({ suspend: true, previous: status(first), toolList: [tool(n('baseline'), { phase: 'Running' })] }));
    assert.equal(p.phase, 'Aborted');
    assert.deepEqual(p.suspend, [n('baseline')]);
    assert.deepEqual(
      p.steps.map((s) => s.phase),
      ['Aborted', 'Skipped', 'Skipped', 'Skipped'],
    );
    assert.equal(p.outcome.reason, 'Suspended');
  });

  it('an emergency stop aborts a running scenario and one not yet started', () => {
    const first = plan(input());
    const p = plan(
      input({ emergencyStop: 'EmergencyStop "x"', previous: status(first), toolList: [tool(n('baseline'), { phase: 'Running' })] }),
    );
    assert.deepEqual([p.phase, p.outcome.reason, p.suspend], ['Aborted', 'EmergencyStop', [n('baseline')]]);
    const fresh = plan(input({ emergencyStop: 'EmergencyStop "x"' }));
    assert.deepEqual([fresh.phase, fresh.create], ['Aborted', []]);
    assert.deepEqual(
      fresh.steps.map((s) => s.phase),
      ['Aborted', 'Skipped', 'Skipped', 'Skipped'],
    );
    assert.match(fresh.steps[0]?.message ?? '', /^not started: EmergencyStop "x"/);
    // Once the stop is cleared, the scenario stays Aborted for the EmergencyStop and starts nothing.
    const previous: PowerToolScenarioStatus = {
      phase: 'Aborted',
      steps: fresh.steps,
      conditions: [
        { type: 'Completed', status: 'True', reason: 'EmergencyStop', message: 'm', lastTransitionTime: new Date(T0).toISOString() },
      ],
    };
    const later = plan(input({ previous }));
    assert.deepEqual([later.phase, later.outcome.reason, later.create], ['Aborted', 'EmergencyStop', []]);
  });

  it('a PowerTool the API server refused to create fails its step and stops the sibling created with it', () => {
    const prev = status(plan(input({ toolList: [tool(n('baseline'), { phase: 'Succeeded' })] })));
    const p = plan(
      input({
        previous: prev,
        toolList: [tool(n('baseline'), { phase: 'Succeeded' }), tool(n('fault', 0), { phase: 'Pending' })],
        refused: new Map([[n('fault', 1), 'admission webhook denied the request']]),
      }),
    );
    assert.equal(p.steps[1]?.phase, 'Failed');
    assert.deepEqual([p.create, p.suspend], [[], [n('fault', 0)]]);
    assert.match(p.steps[1]?.message ?? '', /could not create PowerTool s-fault-1: admission webhook denied/);
  });
});
