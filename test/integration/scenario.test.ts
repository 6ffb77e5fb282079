/**
 * The PowerToolScenario controller against a real API server, as the operator's ServiceAccount with the chart's
 * rules. No kubelet and no PowerTool controller: the test writes each PowerTool's status through the status
 * subresource as the PowerTool controller would, and moves the controller's clock for waits. Each "operator" is its
 * own controller with its own informers, as a separate process would be. Checked: steps run one after another, a
 * parallel step creates all its PowerTools at once, a wait holds the next step; a failed PowerTool fails its step,
 * suspends its running sibling and skips the rest; a restart (with the status write lost) and two controllers at
 * once create nothing twice.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig } from '@kubernetes/client-node';
import { GROUP, SCENARIO_LABEL, SCENARIO_STEP_LABEL, VERSION, type PowerTool, type PowerToolScenario } from '../../src/api/index.ts';
import { serverSideApply } from '../../src/kube/apply.ts';
import { mergePatch } from '../../src/kube/patch.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startScenarioController } from '../../src/operator/powertoolscenario/controller.ts';
import { controllerProcesses } from './controller-processes.ts';
import { ensureNamespace, installCrds, operatorKubeConfig, testClients } from './kube.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const NS = `ptsc-it-${Date.now().toString(36)}`;
const TOOL = 'it-ptsc-tool';
const group = GROUP;
const version = VERSION;

type Pt = PowerTool & { metadata: { name: string; uid: string; labels?: Record<string, string>; ownerReferences?: { uid: string }[] } };
type Sc = PowerToolScenario & { metadata: { uid: string } };

const toolsOf = async (scenario: string): Promise<Pt[]> =>
  (
    (await clients.custom.listNamespacedCustomObject({
      group,
      version,
      namespace: NS,
      plural: 'powertools',
      labelSelector: `${SCENARIO_LABEL}=${scenario}`,
    })) as { items: Pt[] }
  ).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
const namesOf = async (scenario: string): Promise<string[]> => (await toolsOf(scenario)).map((t) => t.metadata.name);
const scenarioOf = async (name: string): Promise<Sc> => (await clients.resources.scenarios.get(NS, name)) as Sc;

// Targets nothing: only the scenario's bookkeeping is under test here (the PowerTool controller has its own suites).
const template = { spec: { targets: { selector: { matchLabels: { app: 'none' } } }, tool: { name: TOOL, duration: '10s' } } };

async function createScenario(name: string, steps: unknown[]): Promise<string> {
  const s = (await clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertoolscenarios',
    body: { apiVersion: `${group}/${version}`, kind: 'PowerToolScenario', metadata: { name }, spec: { steps } },
  })) as { metadata: { uid: string } };
  return s.metadata.uid;
}

/** Writes the phase the PowerTool controller would write. */
async function setPhase(name: string, phase: 'Running' | 'Succeeded' | 'Failed'): Promise<void> {
  const finished = phase === 'Running' ? {} : { finishedAt: new Date().toISOString() };
  await clients.custom.patchNamespacedCustomObjectStatus(
    { group, version, namespace: NS, plural: 'powertools', name, body: { status: { phase, ...finished } } },
    mergePatch(),
  );
}

const until = <T>(what: string, scenario: string, test: (s: Sc) => T | undefined | false): Promise<T> =>
  waitFor(what, async () => test(await scenarioOf(scenario)) || undefined) as Promise<T>;

describe('PowerToolScenario controller against a real API server', { timeout: 180_000 }, () => {
  let operatorKc: KubeConfig;
  let clock = Date.now();
  const now = (): Date => new Date(clock);
  const processes = controllerProcesses(
    'scenario',
    () => operatorKc,
    OPERATOR_NS,
    (deps) => startScenarioController(deps, { now }),
  );
  const startOperator = processes.start;

  before(async () => {
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS);
    // So that admission, when another suite left it registered, admits the PowerTools.
    await serverSideApply(
      clients.kc,
      {
        apiVersion: `${group}/${version}`,
        kind: 'PowerToolConfig',
        metadata: { name: TOOL, namespace: OPERATOR_NS },
        spec: {
          tool: { name: TOOL, kind: 'profiler', description: 'scenario integration test' },
          image: 'localhost/toe-perf:test',
          imagePullPolicy: 'Never',
          command: ['/toe/bin/entrypoint'],
          outputModes: ['logs'],
        },
      },
      'powertoolconfigs',
    );
    operatorKc = await operatorKubeConfig(clients, OPERATOR_NS);
  });

  after(async () => {
    await processes.stopAll();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  it('runs steps in order: one PowerTool, then two in parallel, then a wait, then the check', async () => {
    const uid = await createScenario('cpu', [
      { name: 'baseline', baseline: true, powerTools: [template] },
      { name: 'fault', powerTools: [template, template] },
      { name: 'settle', wait: '30s' },
      { name: 'check', powerTools: [template] },
    ]);
    const op = await startOperator('a');
    await waitFor('the baseline PowerTool', async () => (await namesOf('cpu')).length > 0);
    const [baseline] = await toolsOf('cpu');
    assert.equal(baseline?.metadata.name, 'cpu-baseline-0');
    assert.equal(baseline?.metadata.labels?.[SCENARIO_STEP_LABEL], 'baseline');
    assert.deepEqual(
      baseline?.metadata.ownerReferences?.map((o) => o.uid),
      [uid],
    );
    await until('step baseline Running', 'cpu', (s) => s.status?.steps?.[0]?.phase === 'Running');
    assert.deepEqual(await namesOf('cpu'), ['cpu-baseline-0']);

    await setPhase('cpu-baseline-0', 'Succeeded');
    await waitFor('both fault PowerTools', async () => (await namesOf('cpu')).length === 3);
    assert.deepEqual(await namesOf('cpu'), ['cpu-baseline-0', 'cpu-fault-0', 'cpu-fault-1']);
    // One of two ended: the step still runs.
    await setPhase('cpu-fault-0', 'Succeeded');
    await setPhase('cpu-fault-1', 'Running');
    await op.controller.queue.idle();
    assert.equal((await scenarioOf('cpu')).status?.currentStep, 'fault');

    await setPhase('cpu-fault-1', 'Succeeded');
    const waiting = await until('the wait running', 'cpu', (s) => s.status?.currentStep === 'settle' && s);
    assert.equal(waiting.status?.steps?.[2]?.phase, 'Running');
    assert.equal((await namesOf('cpu')).length, 3);

    clock += 31_000;
    op.controller.queue.add(`${NS}/cpu`);
    await waitFor('the check PowerTool', async () => (await namesOf('cpu')).includes('cpu-check-0'));
    await setPhase('cpu-check-0', 'Succeeded');
    const done = await until('the scenario Succeeded', 'cpu', (s) => s.status?.phase === 'Succeeded' && s);
    assert.deepEqual(
      done.status?.steps?.map((s) => [s.name, s.phase]),
      [
        ['baseline', 'Succeeded'],
        ['fault', 'Succeeded'],
        ['settle', 'Succeeded'],
        ['check', 'Succeeded'],
      ],
    );
    assert.deepEqual(done.status?.baseline, ['cpu-baseline-0']);
    assert.ok(done.status?.finishedAt);
    const reasons = await waitFor('the Events', async () => {
      const events = await clients.events.listNamespacedEvent({ namespace: NS });
      const mine = events.items.filter((e) => e.regarding?.name === 'cpu').map((e) => e.reason ?? '');
      return mine.includes('ScenarioSucceeded') ? mine : undefined;
    });
    for (const r of ['StepStarted', 'StepSucceeded', 'ScenarioSucceeded']) assert.ok(reasons.includes(r), r);
    await op.stop();
  });

  it('a failed PowerTool fails its step, suspends its running sibling and skips the rest', async () => {
    await createScenario('breaks', [
      { name: 'fault', powerTools: [template, template] },
      { name: 'after', powerTools: [template] },
    ]);
    const op = await startOperator('b');
    await waitFor('the fault PowerTools', async () => (await namesOf('breaks')).length === 2);
    await setPhase('breaks-fault-1', 'Running');
    await setPhase('breaks-fault-0', 'Failed');
    const failed = await until('the scenario Failed', 'breaks', (s) => s.status?.phase === 'Failed' && s);
    assert.deepEqual(
      failed.status?.steps?.map((s) => s.phase),
      ['Failed', 'Skipped'],
    );
    assert.match(failed.status?.steps?.[0]?.message ?? '', /PowerTool breaks-fault-0 ended Failed/);
    const tools = await toolsOf('breaks');
    assert.deepEqual(
      tools.map((t) => [t.metadata.name, t.spec.suspend === true]),
      [
        ['breaks-fault-0', false],
        ['breaks-fault-1', true],
      ],
    );
    await op.stop();
  });

  it('a restart whose status write was lost, and two controllers at once, create nothing twice', async () => {
    await createScenario('restart', [
      { name: 'one', powerTools: [template] },
      { name: 'two', powerTools: [template, template] },
    ]);
    let op = await startOperator('c');
    await waitFor('the first PowerTool', async () => (await namesOf('restart')).length === 1);
    const [first] = await toolsOf('restart');
    await op.stop();

    // As if the operator died between creating the PowerTool and recording it.
    await clients.custom.patchNamespacedCustomObjectStatus(
      { group, version, namespace: NS, plural: 'powertoolscenarios', name: 'restart', body: { status: null } },
      mergePatch(),
    );
    op = await startOperator('d');
    const other = await startOperator('e');
    await until('step one recorded again', 'restart', (s) => s.status?.steps?.[0]?.phase === 'Running');
    await Promise.all([op.controller.queue.idle(), other.controller.queue.idle()]);
    const again = await toolsOf('restart');
    assert.deepEqual(
      again.map((t) => [t.metadata.name, t.metadata.uid]),
      [['restart-one-0', first?.metadata.uid]],
    );

    await setPhase('restart-one-0', 'Succeeded');
    await waitFor('step two', async () => (await namesOf('restart')).length === 3);
    op.controller.queue.add(`${NS}/restart`);
    other.controller.queue.add(`${NS}/restart`);
    await Promise.all([op.controller.queue.idle(), other.controller.queue.idle()]);
    assert.deepEqual(await namesOf('restart'), ['restart-one-0', 'restart-two-0', 'restart-two-1']);
    await other.stop();
    await op.stop();
  });
});
