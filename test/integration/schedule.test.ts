/**
 * The PowerToolSchedule controller against a real API server, as the operator's ServiceAccount with the chart's
 * rules, on a clock the test moves (the controller's `now`), so slots, an operator restart and the catch-up rule
 * are exercised without waiting minutes. Each "operator" is its own controller with its own informers, as a
 * separate process would be. Checked: one run per slot, owned by the schedule; after a restart past several slots,
 * exactly one catch-up run (the most recent slot); two controllers at once (a leader fail-over overlap) still
 * create one run per slot; Forbid skips while a run is active; the history limit prunes the oldest finished runs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeConfig } from '@kubernetes/client-node';
import { GROUP, SCHEDULE_LABEL, SCHEDULED_AT_ANNOTATION, VERSION, type PowerTool } from '../../src/api/index.ts';
import { serverSideApply } from '../../src/kube/apply.ts';
import { mergePatch } from '../../src/kube/patch.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startScheduleController } from '../../src/operator/powertoolschedule/controller.ts';
import { runName } from '../../src/operator/powertoolschedule/plan.ts';
import { controllerProcesses } from './controller-processes.ts';
import { ensureNamespace, installCrds, operatorKubeConfig, testClients } from './kube.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const NS = `pts-it-${Date.now().toString(36)}`;
const TOOL = 'it-pts-tool';
const MIN = 60_000;
const group = GROUP;
const version = VERSION;

type Pt = PowerTool & {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { uid: string; controller?: boolean }[];
  };
};

const runsOf = async (schedule: string): Promise<Pt[]> =>
  (
    (await clients.custom.listNamespacedCustomObject({
      group,
      version,
      namespace: NS,
      plural: 'powertools',
      labelSelector: `${SCHEDULE_LABEL}=${schedule}`,
    })) as { items: Pt[] }
  ).items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));

async function createSchedule(name: string, spec: Record<string, unknown>): Promise<{ uid: string; created: number }> {
  const s = (await clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertoolschedules',
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'PowerToolSchedule',
      metadata: { name },
      spec: {
        schedule: '* * * * *',
        template: {
          metadata: { labels: { team: 'it' } },
          // Targets nothing: only the schedule's bookkeeping is under test here (the e2e suites run real tools).
          spec: { targets: { selector: { matchLabels: { app: 'none' } } }, tool: { name: TOOL, duration: '10s' } },
        },
        ...spec,
      },
    },
  })) as { metadata: { uid: string; creationTimestamp: string } };
  return { uid: s.metadata.uid, created: Date.parse(s.metadata.creationTimestamp) };
}

/** Writes the finished status the PowerTool controller would write after a run. */
async function finish(name: string, phase: 'Succeeded' | 'Failed', at: Date): Promise<void> {
  await clients.custom.patchNamespacedCustomObjectStatus(
    { group, version, namespace: NS, plural: 'powertools', name, body: { status: { phase, finishedAt: at.toISOString() } } },
    mergePatch(),
  );
}

describe('PowerToolSchedule controller against a real API server', { timeout: 180_000 }, () => {
  let operatorKc: KubeConfig;
  let clock = Date.now();
  const now = (): Date => new Date(clock);
  const processes = controllerProcesses(
    'schedule',
    () => operatorKc,
    OPERATOR_NS,
    (deps) => startScheduleController(deps, { now }),
  );
  const startOperator = processes.start;

  before(async () => {
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS);
    // So that admission, when another suite left it registered, admits the runs.
    await serverSideApply(
      clients.kc,
      {
        apiVersion: `${group}/${version}`,
        kind: 'PowerToolConfig',
        metadata: { name: TOOL, namespace: OPERATOR_NS },
        spec: {
          tool: { name: TOOL, kind: 'profiler', description: 'schedule integration test' },
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

  it('creates one run per slot, and after a restart past three slots exactly one catch-up run', async () => {
    const { uid, created } = await createSchedule('every-minute', {});
    const first = Math.ceil((created + 1) / MIN) * MIN;
    clock = first - 20_000;
    let op = await startOperator('a');
    // Before the first slot: nothing.
    await waitFor('first status', async () => {
      const s = (await clients.resources.schedules.get(NS, 'every-minute')) as { status?: { conditions?: unknown[] } };
      return (s.status?.conditions?.length ?? 0) > 0;
    });
    assert.deepEqual(await runsOf('every-minute'), []);

    clock = first + 5_000;
    op.controller.queue.add(`${NS}/every-minute`);
    const [run] = await waitFor('the first run', async () => {
      const runs = await runsOf('every-minute');
      return runs.length > 0 ? runs : undefined;
    });
    assert.equal(run?.metadata.name, runName('every-minute', first));
    assert.equal(run?.metadata.labels?.team, 'it');
    assert.equal(run?.metadata.annotations?.[SCHEDULED_AT_ANNOTATION], new Date(first).toISOString());
    assert.deepEqual(
      run?.metadata.ownerReferences?.map((o) => [o.uid, o.controller]),
      [[uid, true]],
    );
    await finish(run?.metadata.name ?? '', 'Succeeded', new Date(first + 15_000));

    // The operator stops; three slots pass; a new one starts.
    await op.stop();
    clock = first + 3 * MIN + 5_000;
    op = await startOperator('b');
    const catchUp = runName('every-minute', first + 3 * MIN);
    await waitFor('the catch-up run', async () => (await runsOf('every-minute')).some((r) => r.metadata.name === catchUp));
    const s = await waitFor('lastScheduleTime at the catch-up slot', async () => {
      const got = (await clients.resources.schedules.get(NS, 'every-minute')) as {
        status?: { lastScheduleTime?: string; active?: unknown[] };
      };
      return got.status?.lastScheduleTime === new Date(first + 3 * MIN).toISOString() && (got.status.active?.length ?? 0) === 1
        ? got
        : undefined;
    });
    assert.ok(s);
    // Another pass at the same time changes nothing.
    op.controller.queue.add(`${NS}/every-minute`);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(
      (await runsOf('every-minute')).map((r) => r.metadata.name),
      [runName('every-minute', first), catchUp],
    );

    // Two operators at once (the old leader not yet gone): the next slot still gets one run.
    const other = await startOperator('c');
    clock = first + 4 * MIN + 5_000;
    op.controller.queue.add(`${NS}/every-minute`);
    other.controller.queue.add(`${NS}/every-minute`);
    const next = runName('every-minute', first + 4 * MIN);
    await waitFor('the run of the next slot', async () => (await runsOf('every-minute')).some((r) => r.metadata.name === next));
    await Promise.all([op.controller.queue.idle(), other.controller.queue.idle()]);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(
      (await runsOf('every-minute')).map((r) => r.metadata.name),
      [runName('every-minute', first), catchUp, next],
    );
    await other.stop();
    await op.stop();
  });

  it('Forbid skips a slot while a run is active; the history limit prunes the oldest finished runs', async () => {
    const { created } = await createSchedule('forbid', { concurrencyPolicy: 'Forbid', successfulRunsHistoryLimit: 1 });
    const first = Math.ceil((created + 1) / MIN) * MIN;
    clock = first + 5_000;
    const op = await startOperator('d');
    const key = `${NS}/forbid`;
    await waitFor('the first run', async () => (await runsOf('forbid')).length === 1);

    // The first run is still active at the next slot: Forbid starts nothing.
    clock = first + MIN + 5_000;
    op.controller.queue.add(key);
    await waitFor('a JobAlreadyActive Event', async () => {
      const events = await clients.events.listNamespacedEvent({ namespace: NS });
      return events.items.some((e) => e.reason === 'JobAlreadyActive' && e.regarding?.name === 'forbid');
    });
    assert.equal((await runsOf('forbid')).length, 1);

    // It finishes: the skipped slot starts (CronJob's meaning: it is still the most recent, and no deadline is set).
    await finish(runName('forbid', first), 'Succeeded', new Date(first + MIN + 10_000));
    await waitFor('the run of the skipped slot', async () =>
      (await runsOf('forbid')).some((r) => r.metadata.name === runName('forbid', first + MIN)),
    );
    // That one finishes too; with a history limit of 1, the older succeeded run is deleted.
    await finish(runName('forbid', first + MIN), 'Succeeded', new Date(first + MIN + 30_000));
    await waitFor('only the newest finished run kept', async () => {
      const names = (await runsOf('forbid')).map((r) => r.metadata.name);
      return names.length === 1 && names[0] === runName('forbid', first + MIN);
    });
    await op.stop();
  });
});
