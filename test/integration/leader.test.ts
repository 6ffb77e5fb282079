import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GROUP, VERSION, type PowerTool } from '../../src/api/index.ts';
import { DEFAULT_LEADER_OPTIONS } from '../../src/operator/leader.ts';
import { ensureNamespace, installCrds, operatorKubeConfig, runningPod, testClients } from './kube.ts';
import { waitFor } from '../../src/kube/wait.ts';

const clients = testClients();
const OPERATOR_NS = 'toe-system';
const NS = `leader-it-${Date.now().toString(36)}`;
const LEASE = `toe-leader-it-${Date.now().toString(36)}`;
const group = GROUP;
const version = VERSION;
const root = new URL('../..', import.meta.url).pathname;
const children = new Map<string, ChildProcess>();

/** A real `toe operator` process, as its own ServiceAccount, so SIGKILL means what it means in production. */
function startOperator(identity: string, kubeconfig: string): void {
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin/toe.js'),
      'operator',
      `--namespace=${OPERATOR_NS}`,
      `--lease-name=${LEASE}`,
      `--identity=${identity}`,
      '--http-bind=127.0.0.1:0',
    ],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig, TOE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  children.set(identity, child);
}

async function holder(): Promise<string | undefined> {
  const lease = await clients.coordination.readNamespacedLease({ name: LEASE, namespace: OPERATOR_NS });
  return lease.spec?.holderIdentity ?? undefined;
}

async function handled(name: string): Promise<PowerTool> {
  await clients.custom.createNamespacedCustomObject({
    group,
    version,
    namespace: NS,
    plural: 'powertools',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'PowerTool',
      metadata: { name },
      spec: { targets: { selector: { matchLabels: { app: 'x' } } }, tool: { name: 'no-such-tool' } },
    },
  });
  return waitFor(
    `${name} reconciled`,
    async () => {
      const pt = (await clients.custom.getNamespacedCustomObject({
        group,
        version,
        namespace: NS,
        plural: 'powertools',
        name,
      })) as PowerTool;
      return pt.status?.conditions?.some((c) => c.type === 'Admitted' && c.reason === 'ToolNotFound') ? pt : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

describe('leader election with two operator replicas', () => {
  before(async () => {
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    await runningPod(clients, NS, 'x-1', { app: 'x' });
    const dir = mkdtempSync(join(tmpdir(), 'toe-leader-'));
    const kubeconfig = join(dir, 'operator.kubeconfig');
    writeFileSync(kubeconfig, (await operatorKubeConfig(clients, OPERATOR_NS)).exportConfig(), { mode: 0o600 });
    startOperator('replica-a', kubeconfig);
    startOperator('replica-b', kubeconfig);
  });

  after(async () => {
    for (const c of children.values()) c.kill('SIGKILL');
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    await clients.coordination.deleteNamespacedLease({ name: LEASE, namespace: OPERATOR_NS }).catch(() => undefined);
  });

  it('one replica leads and works', async () => {
    const leader = await waitFor('a leader', holder, { timeoutMs: 40_000 });
    assert.ok(['replica-a', 'replica-b'].includes(leader));
    await handled('before-failover');
  });

  it('hands over within the lease duration when the leader is killed, and work goes on', async () => {
    const leader = (await holder()) as string;
    const standby = leader === 'replica-a' ? 'replica-b' : 'replica-a';
    const killedAt = Date.now();
    children.get(leader)?.kill('SIGKILL');
    await waitFor('the standby to take the Lease', async () => ((await holder()) === standby ? true : undefined), { timeoutMs: 60_000 });
    const tookMs = Date.now() - killedAt;
    // The standby may only take an unexpired Lease after leaseDuration; one retry period of slack on top.
    const budgetMs = DEFAULT_LEADER_OPTIONS.leaseDurationSeconds * 1000 + DEFAULT_LEADER_OPTIONS.retryPeriodMs * 2;
    assert.ok(tookMs <= budgetMs, `hand-over took ${tookMs} ms, more than ${budgetMs} ms`);
    await handled('after-failover');
  });

  it('on SIGTERM exits 0 and gives the Lease up, so a new replica need not wait it out', async () => {
    const leader = (await holder()) as string;
    const child = children.get(leader);
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child?.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(await holder(), undefined);
  });
});
