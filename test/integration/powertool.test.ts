import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { GROUP, VERSION, powerToolConfigSpec, powerToolSpec, type PowerTool, type PowerToolConfig } from '../../src/api/index.ts';
import { mergePatch } from '../../src/kube/patch.ts';
import { admitPowerTool } from '../../src/policy/admit.ts';
import { ephemeralName } from '../../src/operator/powertool/render.ts';
import { freeze } from '../../src/operator/powertool/resolve.ts';
import { computeStatus } from '../../src/operator/powertool/status.ts';
import { selectedTarget } from '../../src/operator/powertool/target-phase.ts';
import type { Manager } from '../../src/operator/manager.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  ensureNamespace,
  installCrds,
  operatorKubeConfig,
  runningPod,
  terminateEphemeral,
  testClients,
  startSuiteOperator,
} from './kube.ts';
import { waitFor } from '../../src/kube/wait.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const NS = `pt-it-${Date.now().toString(36)}`;
const CLOSED_NS = `${NS}-closed`;
const group = GROUP;
const version = VERSION;

const perfConfig = {
  apiVersion: `${GROUP}/${VERSION}`,
  kind: 'PowerToolConfig',
  metadata: { name: 'it-perf', namespace: OPERATOR_NS },
  spec: {
    tool: { name: 'it-perf', kind: 'profiler', description: 'integration test profiler' },
    image: 'localhost/toe-perf:test',
    imagePullPolicy: 'Never',
    command: ['/toe/bin/entrypoint'],
    defaultArgs: ['--event=cpu-clock'],
    parameters: [{ name: 'frequency', flag: '--freq', type: 'integer', min: 1, max: 999, default: '99' }],
    securityContext: { capabilities: { add: ['PERFMON', 'SYS_PTRACE'] } },
  },
};

async function createPt(name: string, spec: Record<string, unknown>, namespace = NS): Promise<void> {
  await clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural: 'powertools',
    body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'PowerTool', metadata: { name }, spec },
  });
}

async function getPt(name: string, namespace = NS): Promise<PowerTool> {
  return (await clients.custom.getNamespacedCustomObject({ group, version, namespace, plural: 'powertools', name })) as PowerTool;
}

const getConfig = (name: string): Promise<unknown> =>
  clients.custom.getNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name });

const readPod = (name: string): Promise<V1Pod> => clients.core.readNamespacedPod({ name, namespace: NS });

let operatorKc: KubeConfig;

/** The operator runs as its own ServiceAccount with the chart's rules, never as the test's admin. */
function start(): Promise<Manager> {
  return startSuiteOperator(operatorKc, OPERATOR_NS, 'pt');
}

describe('PowerTool controller against a real API server', () => {
  let manager: Manager | undefined;

  before(async () => {
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    await ensureNamespace(clients, CLOSED_NS);
    operatorKc = await operatorKubeConfig(clients, OPERATOR_NS);
    await clients.custom
      .createNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', body: perfConfig })
      .catch(() => undefined);
    for (const name of ['web-1', 'web-2', 'web-3']) await runningPod(clients, NS, name, { app: 'web' });
    await runningPod(clients, CLOSED_NS, 'closed-1', { app: 'web' });
    manager = await start();
  });

  after(async () => {
    await manager?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    await clients.core.deleteNamespace({ name: CLOSED_NS }).catch(() => undefined);
    await clients.custom
      .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name: 'it-perf' })
      .catch(() => undefined);
  });

  it('marks a valid PowerToolConfig Ready', async () => {
    const ptc = await waitFor('config Ready', async () => {
      const c = (await clients.custom.getNamespacedCustomObject({
        group,
        version,
        namespace: OPERATOR_NS,
        plural: 'powertoolconfigs',
        name: 'it-perf',
      })) as { status?: { conditions?: { type: string; status: string }[] } };
      return c.status?.conditions?.find((x) => x.type === 'Ready');
    });
    assert.equal(ptc.status, 'True');
  });

  it('injects one ephemeral container per target with the allowlisted argv, and completes from their exit codes', async () => {
    await createPt('run', {
      targets: { selector: { matchLabels: { app: 'web' } }, container: 'app' },
      tool: { name: 'it-perf', args: ['--freq', '49'], duration: '5m' },
    });
    const pods = await waitFor('three injected pods', async () => {
      const all = await Promise.all(['web-1', 'web-2', 'web-3'].map(readPod));
      return all.every((p) => (p.spec?.ephemeralContainers ?? []).length === 1) ? all : undefined;
    });
    for (const pod of pods) {
      const c = pod.spec?.ephemeralContainers?.[0];
      assert.match(c?.name ?? '', /^toe-it-perf-[0-9a-f]{8}$/);
      assert.deepEqual(c?.args, ['--event=cpu-clock', '--freq=49']);
      assert.deepEqual(c?.command, ['/toe/bin/entrypoint']);
      assert.equal(c?.targetContainerName, 'app');
      assert.equal(c?.env?.find((e) => e.name === 'TOE_POD')?.value, pod.metadata?.name);
      // The API server defaults the field to {}; TOE must never fill it (forbidden on ephemeral containers).
      assert.deepEqual({ ...(c?.resources ?? {}) }, {});
    }
    const events = await waitFor('ToolInjected Events on the PowerTool and on each pod', async () => {
      const list = await clients.events.listNamespacedEvent({ namespace: NS });
      const injectedEvents = list.items.filter((e) => e.reason === 'ToolInjected' && e.reportingController === 'toe.dev/operator');
      return injectedEvents.length >= 6 ? injectedEvents : undefined;
    });
    assert.deepEqual(new Set(events.map((e) => e.regarding?.kind)), new Set(['PowerTool', 'Pod']));
    const injected = await waitFor('status shows 3 injected', async () => {
      const pt = await getPt('run');
      return pt.status?.injected === 3 ? pt : undefined;
    });
    assert.equal(injected.status?.selected, 3);

    const result = JSON.stringify({
      tool: 'it-perf',
      partial: false,
      exitReason: 'Completed',
      artifacts: [{ name: 'perf.script', bytes: 10, partial: false }],
    });
    await terminateEphemeral(clients, pods[0] as V1Pod, pods[0]?.spec?.ephemeralContainers?.[0]?.name ?? '', 0, result);
    await terminateEphemeral(clients, pods[1] as V1Pod, pods[1]?.spec?.ephemeralContainers?.[0]?.name ?? '', 0, result);
    await terminateEphemeral(clients, pods[2] as V1Pod, pods[2]?.spec?.ephemeralContainers?.[0]?.name ?? '', 3, 'boom');
    const done = await waitFor('run finished', async () => {
      const pt = await getPt('run');
      return pt.status?.finishedAt ? pt : undefined;
    });
    assert.equal(done.status?.phase, 'Failed');
    assert.equal(done.status?.succeeded, 2);
    assert.equal(done.status?.failed, 1);
    const failed = done.status?.targets?.find((t) => t.phase === 'Failed');
    assert.equal(failed?.exitCode, 3);
    const ok = done.status?.targets?.find((t) => t.phase === 'Succeeded');
    assert.deepEqual(ok?.artifacts, [{ name: 'perf.script', bytes: 10, partial: false }]);
  });

  it('exposes its health and Prometheus metrics', async () => {
    const base = `http://127.0.0.1:${manager?.httpPort}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /toe_reconcile_total\{controller="powertool",result="success"\} [1-9]/);
    assert.match(text, /toe_injections_total\{tool="it-perf",result="success"\} 3/);
    assert.match(text, /toe_reconcile_duration_seconds_bucket\{/);
    assert.doesNotMatch(text, /pod="/, 'metric labels stay bounded: never a pod name');
  });

  it('never injects twice when the operator restarts', async () => {
    await manager?.stop();
    manager = await start();
    await new Promise((r) => setTimeout(r, 1500));
    for (const name of ['web-1', 'web-2', 'web-3']) assert.equal((await readPod(name)).spec?.ephemeralContainers?.length, 1, name);
  });

  it('dry-run renders the containers into status and injects nothing', async () => {
    await createPt('dry', {
      targets: { selector: { matchLabels: { app: 'web' } }, pods: ['web-1'] },
      tool: { name: 'it-perf' },
      dryRun: true,
    });
    const pt = await waitFor('dry run rendered', async () => {
      const p = await getPt('dry');
      return p.status?.phase === 'DryRun' ? p : undefined;
    });
    const rendered = pt.status?.rendered?.[0] as { pod: string; ephemeralContainer: { args: string[] } };
    assert.equal(rendered.pod, 'web-1');
    assert.deepEqual(rendered.ephemeralContainer.args, ['--event=cpu-clock', '--freq=99']);
    assert.equal((await readPod('web-1')).spec?.ephemeralContainers?.length, 1);
  });

  it('refuses a namespace that has not opted in, and a selector over the blast radius', async () => {
    await createPt('closed', { targets: { selector: { matchLabels: { app: 'web' } } }, tool: { name: 'it-perf' } }, CLOSED_NS);
    const closed = await waitFor('closed refused', async () => {
      const p = await getPt('closed', CLOSED_NS);
      return p.status?.phase === 'Failed' ? p : undefined;
    });
    const selected = closed.status?.conditions?.find((c) => c.type === 'Selected');
    assert.equal(selected?.reason, 'NamespaceNotAllowed');
    assert.match(selected?.message ?? '', /toe\.dev\/allow-powertools=true/);

    await createPt('wide', { targets: { selector: { matchLabels: { app: 'web' } }, maxTargets: 2 }, tool: { name: 'it-perf' } });
    const wide = await waitFor('wide refused', async () => {
      const p = await getPt('wide');
      return p.status?.phase === 'Failed' ? p : undefined;
    });
    assert.equal(wide.status?.conditions?.find((c) => c.type === 'Selected')?.reason, 'BlastRadiusExceeded');
    assert.equal(wide.status?.injected, 0);
  });

  it('refuses arguments the allowlist does not admit, with its message', async () => {
    await createPt('hostile', {
      targets: { selector: { matchLabels: { app: 'web' } } },
      tool: { name: 'it-perf', args: ['-o/etc/shadow'] },
    });
    const pt = await waitFor('hostile refused', async () => {
      const p = await getPt('hostile');
      return p.status?.conditions?.find((c) => c.type === 'Admitted' && c.status === 'False') ? p : undefined;
    });
    const admitted = pt.status?.conditions?.find((c) => c.type === 'Admitted');
    assert.equal(admitted?.reason, 'ArgsRefused');
    assert.match(admitted?.message ?? '', /spec\.tool\.args\[0\]/);
    for (const name of ['web-1', 'web-2', 'web-3']) assert.equal((await readPod(name)).spec?.ephemeralContainers?.length, 1);
  });
  it('records the resolved tool at selection, and injects pending targets from it after the config was edited or deleted', async () => {
    // The live selection records the config it resolved (name, generation, image, command, argv).
    await createPt('recorded', {
      targets: { selector: { matchLabels: { app: 'web' } }, pods: ['web-1'] },
      tool: { name: 'it-perf' },
      dryRun: true,
    });
    const recorded = await waitFor('status.resolvedTool', async () => (await getPt('recorded')).status?.resolvedTool);
    const live = (await getConfig('it-perf')) as { metadata: { generation: number } };
    assert.deepEqual(
      [recorded.config, recorded.generation, recorded.image, recorded.command, recorded.argv],
      ['it-perf', live.metadata.generation, 'localhost/toe-perf:test', ['/toe/bin/entrypoint'], ['--event=cpu-clock', '--freq=99']],
    );

    // An operator that selected two runs and stopped before injecting (a crash, an upgrade): meanwhile an admin edits
    // one run's config and deletes the other's. The restarted operator injects both from what was selected.
    await manager?.stop();
    manager = undefined;
    const spec = (tool: string) => ({ targets: { selector: { matchLabels: { app: tool } } }, tool: { name: tool, args: ['--freq=49'] } });
    const runs = [
      { name: 'frozen-edit', tool: 'it-frozen-edit', pod: 'frozen-1' },
      { name: 'frozen-gone', tool: 'it-frozen-gone', pod: 'frozen-2' },
    ];
    for (const run of runs) {
      const config = {
        ...perfConfig,
        metadata: { name: run.tool, namespace: OPERATOR_NS },
        spec: { ...perfConfig.spec, tool: { ...perfConfig.spec.tool, name: run.tool } },
      };
      const created = (await clients.custom.createNamespacedCustomObject({
        group,
        version,
        namespace: OPERATOR_NS,
        plural: 'powertoolconfigs',
        body: config,
      })) as PowerToolConfig;
      const pod = await runningPod(clients, NS, run.pod, { app: run.tool });
      await createPt(run.name, spec(run.tool));
      const pt = (await getPt(run.name)) as PowerTool & { metadata: { uid: string } };
      const configSpec = powerToolConfigSpec.parse(created.spec);
      const admitted = admitPowerTool(powerToolSpec.parse(spec(run.tool)), configSpec);
      assert.ok(admitted.ok);
      const podUID = pod.metadata?.uid ?? '';
      const now = new Date();
      const status = computeStatus({
        prev: undefined,
        generation: 1,
        now,
        dryRun: false,
        suspended: false,
        targets: [selectedTarget({ pod: run.pod, podUID, container: 'app' }, ephemeralName(run.tool, pt.metadata.uid, podUID))],
        startedAt: now.toISOString(),
        deadline: new Date(now.getTime() + 300_000).toISOString(),
        resolvedTool: freeze(created, configSpec, admitted.argv),
      });
      await clients.custom.patchNamespacedCustomObjectStatus(
        { group, version, namespace: NS, plural: 'powertools', name: run.name, body: { status } },
        mergePatch(),
      );
    }
    const edited = (await getConfig('it-frozen-edit')) as { spec: Record<string, unknown> };
    await clients.custom.replaceNamespacedCustomObject({
      group,
      version,
      namespace: OPERATOR_NS,
      plural: 'powertoolconfigs',
      name: 'it-frozen-edit',
      body: { ...edited, spec: { ...edited.spec, image: 'localhost/toe-perf:edited', defaultArgs: ['--event=task-clock'] } },
    });
    await clients.custom.deleteNamespacedCustomObject({
      group,
      version,
      namespace: OPERATOR_NS,
      plural: 'powertoolconfigs',
      name: 'it-frozen-gone',
    });
    manager = await start();

    for (const run of runs) {
      const pod = await waitFor(`${run.pod} injected`, async () => {
        const p = await readPod(run.pod);
        return (p.spec?.ephemeralContainers ?? []).length === 1 ? p : undefined;
      });
      const c = pod.spec?.ephemeralContainers?.[0];
      assert.deepEqual([c?.image, c?.args], ['localhost/toe-perf:test', ['--event=cpu-clock', '--freq=49']], run.name);
      const pt = await waitFor(`${run.name} target Injected`, async () => {
        const got = await getPt(run.name);
        return got.status?.targets?.[0]?.phase === 'Injected' ? got : undefined;
      });
      assert.equal(pt.status?.resolvedTool?.image, 'localhost/toe-perf:test');
    }
    await clients.custom
      .deleteNamespacedCustomObject({ group, version, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name: 'it-frozen-edit' })
      .catch(() => undefined);
  });
});
