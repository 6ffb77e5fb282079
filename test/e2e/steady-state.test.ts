/**
 * Steady-state probes on a real node, through a real Service (kube-proxy's cluster IP): a fault that breaks the
 * app's http probe aborts its own run and the app recovers afterwards; a fault that leaves the app answering ends
 * with SteadyStateHeld=True; a steady state that is already broken (the app answers, but not what the probe
 * expects) prevents the start: nothing is injected. The breaking fault: SIGTERM to the container's shell (PID 1, which traps it), whose
 * trap freezes the app (SIGSTOP) for 6 s, as an app that hangs in a slow shutdown would. The signal tool watches
 * its target for up to 10 s, so the run is still going when the probe breaches.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { finished, powerTools, runningPods } from './tools.ts';
import { ensureNamespace } from '../integration/kube.ts';
import { untilSteadyStateServed } from '../integration/steady-state-served.ts';
import { dumpOnFailure } from './diagnose.ts';
import type { PowerTool } from '../../src/api/index.ts';

const clients = testClients();
const NS = `e2e-steady-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
let operator: OperatorProcess | undefined;

const held = (pt: PowerTool) => pt.status?.conditions?.find((c) => c.type === 'SteadyStateHeld');
const verdict = (pt: PowerTool) => finished(pt) && pt.status?.steadyState?.stage === 'Done';
const probe = {
  name: 'answers',
  kind: 'http',
  interval: '1s',
  failureThreshold: 2,
  recoveryTimeout: '1m',
  http: { service: 'web', port: 80, timeout: '800ms' },
};

describe('steady-state probes on a real node', () => {
  before(async () => {
    const kubeconfig = await prepare(clients, ['signal', 'cpu']);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    await untilSteadyStateServed(clients, NS, 'signal');
    await clients.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'web', labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'app',
              image: 'localhost/toe-node-hot:0.1.0',
              imagePullPolicy: 'IfNotPresent',
              command: [
                '/bin/sh',
                '-c',
                'trap "kill -STOP \\$app; sleep 6; kill -CONT \\$app" TERM; /usr/bin/node /app/app.mjs 5 & app=$!; while :; do sleep 1; done',
              ],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
              resources: { limits: { cpu: '500m', memory: '128Mi' } },
            },
          ],
        },
      },
    });
    await clients.core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } },
    });
    await runningPods(clients, NS, 'web', 1);
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  it('a fault that breaks the http probe aborts its run, and the app recovers', async (t) => {
    await pts.create('freeze', {
      targets: { selector: { matchLabels: { app: 'web' } }, container: 'app' },
      tool: { name: 'signal', args: ['--signal=SIGTERM'], duration: '30s' },
      steadyState: [probe],
    });
    const done = await pts.until('freeze', 'verdict', verdict, 120_000);
    t.diagnostic(JSON.stringify(done.status?.steadyState));
    assert.equal(done.status?.phase, 'Aborted');
    assert.equal(done.status?.targets?.[0]?.stopReason, 'SteadyStateBreached');
    const record = done.status?.steadyState?.probes[0];
    assert.ok(record?.breachedAt, 'the probe breached');
    assert.ok(record?.recoveredAt, 'the probe passed again after the run');
    assert.ok((record?.recoverySeconds ?? 0) > 0);
    assert.equal(record?.lastResult, 'Pass');
    assert.match(record?.lastValue ?? '', /^HTTP 200 in /);
    assert.equal(held(done)?.status, 'False');
    assert.equal(held(done)?.reason, 'Breached');
    const events = (await clients.events.listNamespacedEvent({ namespace: NS })).items.filter((e) => e.regarding?.name === 'freeze');
    assert.ok(events.some((e) => e.reason === 'SteadyStateBreached'));
    assert.ok(events.some((e) => e.reason === 'StoppingTool' && /SteadyStateBreached/.test(e.note ?? '')));
  });

  it('a fault the app withstands ends with SteadyStateHeld=True', async (t) => {
    await runningPods(clients, NS, 'web', 1);
    await pts.create('light-load', {
      targets: { selector: { matchLabels: { app: 'web' } }, container: 'app' },
      tool: { name: 'cpu', args: ['--workers=1', '--load=20'], duration: '8s' },
      steadyState: [{ ...probe, failureThreshold: 3 }],
    });
    const done = await pts.until('light-load', 'verdict', verdict, 120_000);
    t.diagnostic(JSON.stringify(done.status?.steadyState));
    assert.equal(done.status?.phase, 'Succeeded');
    assert.equal(held(done)?.status, 'True', held(done)?.message);
    assert.equal(held(done)?.reason, 'Held');
    const record = done.status?.steadyState?.probes[0];
    assert.ok((record?.checks ?? 0) >= 3, `checks: ${record?.checks}`);
    assert.equal(record?.breachedAt, undefined);
  });

  it('a steady state already broken before the start prevents the run: nothing is injected', async () => {
    await runningPods(clients, NS, 'web', 1);
    const before = (await clients.core.readNamespacedPod({ name: 'web', namespace: NS })).spec?.ephemeralContainers?.length ?? 0;
    await pts.create('never', {
      targets: { selector: { matchLabels: { app: 'web' } }, container: 'app' },
      tool: { name: 'cpu', args: ['--workers=1', '--load=20'], duration: '8s' },
      steadyState: [{ ...probe, http: { ...probe.http, expectStatus: 204 } }],
    });
    const refused = await pts.until('never', 'refused', (pt) => held(pt)?.reason === 'NotHeldBeforeStart', 60_000);
    assert.equal(refused.status?.phase, 'Failed');
    assert.match(held(refused)?.message ?? '', /probe answers saw HTTP 200/);
    assert.deepEqual(refused.status?.targets ?? [], []);
    const after = (await clients.core.readNamespacedPod({ name: 'web', namespace: NS })).spec?.ephemeralContainers?.length ?? 0;
    assert.equal(after, before, 'no tool was attached');
  });
});
