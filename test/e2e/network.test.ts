/**
 * The network fault on a real node, measured OUTSIDE the tool: the node opens TCP connections and pings the target
 * pod before, during and after each run, and reads the pod's network namespace (`nsenter -n iptables-save`, `tc
 * qdisc show`) to prove the fault is there while it runs and nothing of it is left after its end or a stop. A
 * partition cuts only the named port; loss drops about the requested share; DNS lookups fail during and work after;
 * latency is refused on a node without sch_netem; a second network run on the same pod is refused as a conflict;
 * after a SIGKILL of the tool while the operator is down, the rules it could not undo stop matching at the end of
 * the run (their kernel-side `-m time --datestop`), and the operator, back, removes them with its undo
 * (network-undo.test.ts proves the undo within 10 s with the operator up).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import type { PowerTool } from '../../src/api/index.ts';
import { ensureNamespace, testClients } from '../integration/kube.ts';
import { prepare, startOperator, type OperatorProcess } from './operator.ts';
import { allRunning, containerHostPids, finished, powerTools, runningPods, sleep } from './tools.ts';
import { dumpOnFailure } from './diagnose.ts';

const clients = testClients();
const NS = `e2e-network-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [NS]);
const pts = powerTools(clients, NS);
const CUT = 8080;
const OPEN = 8081;
let operator: OperatorProcess | undefined;
let kubeconfig = '';

/** How many of `count` TCP connections from the node to ip:port were accepted within 500 ms each. */
async function answered(ip: string, port: number, count: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < count; i++) {
    ok += await new Promise<number>((resolve) => {
      const s = connect({ host: ip, port, timeout: 500 });
      const done = (n: number) => {
        s.destroy();
        resolve(n);
      };
      s.once('connect', () => done(1));
      s.once('timeout', () => done(0));
      s.once('error', () => done(0));
    });
  }
  return ok;
}

/** Echo replies to `count` pings from the node (busybox ping, 50 ms apart). */
function pings(ip: string, count: number): number {
  const out = spawnSync('/bin/busybox', ['ping', '-c', String(count), '-i', '0.05', '-W', '2', ip], { encoding: 'utf8' }).stdout;
  return Number(/(\d+) packets received/.exec(out)?.[1] ?? -1);
}

const inPod = (pid: number, cmd: string[]) => spawnSync('nsenter', ['-t', String(pid), '-n', '--', ...cmd], { encoding: 'utf8' }).stdout;
const toeRules = (pid: number) =>
  inPod(pid, ['iptables-save'])
    .split('\n')
    .filter((l) => l.includes('TOE-'));
const toeQdisc = (pid: number) =>
  inPod(pid, ['tc', 'qdisc', 'show'])
    .split('\n')
    .filter((l) => l.includes('7e0e:'));

/** Host PIDs of the tool's entrypoint in the same network namespace as `pid` (the ephemeral container's). */
function entrypointPids(pid: number): number[] {
  const netns = readlinkSync(`/proc/${pid}/ns/net`);
  const found: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readlinkSync(`/proc/${d}/ns/net`) !== netns) continue;
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('/toe/bin/entrypoint')) found.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('network fault on a real node', () => {
  let ip = '';
  let pid = 0;

  before(async () => {
    kubeconfig = await prepare(clients, ['network']);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    // Two TCP servers (busybox httpd from a TOE image the node already has): one port to cut, one to keep.
    await clients.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'web', labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'app',
              image: 'localhost/toe-network:0.1.0',
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', '-c', `httpd -p ${CUT} -h /tmp; httpd -p ${OPEN} -h /tmp; exec sleep 100000`],
              resources: { limits: { cpu: '100m', memory: '32Mi' } },
            },
          ],
        },
      },
    });
    const [pod] = await runningPods(clients, NS, 'web', 1);
    ip = String(pod?.status?.podIP);
    pid = (await containerHostPids(clients, NS, 'web', 'app'))[0] as number;
    operator = startOperator(kubeconfig);
  });

  after(async () => {
    await operator?.stop();
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  const start = (name: string, args: string[], duration = '20s') =>
    pts.create(name, { targets: { selector: { matchLabels: { app: 'web' } } }, tool: { name: 'network', args, duration } });

  it('partitions only the named port, and leaves nothing after its end', async (t) => {
    assert.equal(await answered(ip, CUT, 10), 10, 'before');
    await start('partition', ['--mode=partition', `--ports=${CUT}`, '--direction=ingress'], '15s');
    await pts.until('partition', 'running', allRunning(1), 60_000);
    await sleep(2_000);
    const during = { cut: await answered(ip, CUT, 10), open: await answered(ip, OPEN, 10), rules: toeRules(pid) };
    t.diagnostic(JSON.stringify(during));
    const done: PowerTool = await pts.until('partition', 'finished', finished, 60_000);
    assert.equal(during.cut, 0, 'the named port is cut');
    assert.equal(during.open, 10, 'another port is untouched');
    assert.ok(
      during.rules.some((r) => /-m time --datestop/.test(r)),
      during.rules.join('\n'),
    );
    assert.equal(done.status?.targets?.[0]?.result?.exitReason, 'Completed', JSON.stringify(done.status?.targets));
    assert.deepEqual(toeRules(pid), []);
    assert.equal(await answered(ip, CUT, 10), 10, 'after');
  });

  it('drops about the requested share of packets, and nothing after a stop', async (t) => {
    assert.equal(pings(ip, 20), 20, 'before');
    await start('loss', ['--mode=loss', '--percent=50', '--direction=ingress'], '2m');
    await pts.until('loss', 'running', allRunning(1), 60_000);
    await sleep(2_000);
    const got = pings(ip, 100);
    t.diagnostic(`${got} of 100 pings answered at 50% ingress loss`);
    await pts.suspend('loss');
    const done = await pts.until('loss', 'finished', finished, 30_000);
    // Binomial(100, 0.5): 50 ± 15 is more than 3 standard deviations.
    assert.ok(got >= 35 && got <= 65, `${got} of 100 answered`);
    assert.equal(done.status?.targets?.[0]?.result?.exitReason, 'Stopped', JSON.stringify(done.status?.targets));
    assert.deepEqual(toeRules(pid), []);
    assert.equal(pings(ip, 20), 20, 'after');
  });

  it('stops applying its rules at the end of the run when the tool is SIGKILLed with the operator down', async (t) => {
    await start('killed', ['--mode=partition', `--ports=${CUT}`, '--direction=ingress'], '10s');
    await pts.until('killed', 'running', allRunning(1), 60_000);
    await sleep(2_000);
    // With the operator up it would undo the rules within seconds (network-undo.test.ts): down, only the kernel's
    // end of the run is left.
    await operator?.stop();
    const victims = entrypointPids(pid);
    assert.ok(victims.length > 0, 'the entrypoint runs in the pod');
    for (const v of victims) process.kill(v, 'SIGKILL');
    try {
      await sleep(1_000);
      const left = toeRules(pid);
      const duringCut = await answered(ip, CUT, 5);
      const until = /--datestop (\S+)/.exec(left.join('\n'))?.[1];
      t.diagnostic(`left after SIGKILL: ${JSON.stringify(left)}`);
      assert.ok(until, 'the jump carries its end time');
      assert.equal(duringCut, 0, 'the rules left behind still cut the port before the end of the run');
      // Past the kernel-side end of the run, the rules left behind no longer match. The time match is to the
      // second and includes the datestop second itself: 2.5 s after it keeps the check off that boundary.
      await sleep(Math.max(0, Date.parse(`${until}Z`) - Date.now()) + 2_500);
      assert.equal(await answered(ip, CUT, 10), 10, 'the port answers after the end of the run although the tool never undid it');
      assert.ok(toeRules(pid).length > 0, 'the inert chains are still there until an undo');
      operator = startOperator(kubeconfig);
      const done = await pts.until('killed', 'finished', finished, 60_000);
      assert.equal(done.status?.targets?.[0]?.undo?.phase, 'Succeeded', JSON.stringify(done.status?.targets));
      assert.deepEqual(toeRules(pid), [], 'the operator, back, undid what the killed tool left');
    } finally {
      if (operator?.child.exitCode !== null || operator.child.signalCode !== null) operator = startOperator(kubeconfig);
      // Clean the namespace for the next tests whatever happened above, as `entrypoint --undo` would.
      for (const r of toeRules(pid).filter((l) => l.startsWith('-A INPUT') || l.startsWith('-A OUTPUT')))
        inPod(pid, ['iptables', ...r.replace(/^-A/, '-D').split(' ')]);
      for (const c of toeRules(pid)
        .filter((l) => l.startsWith(':'))
        .map((l) => l.slice(1).split(' ')[0] as string)) {
        inPod(pid, ['iptables', '-F', c]);
        inPod(pid, ['iptables', '-X', c]);
      }
    }
    assert.deepEqual(toeRules(pid), []);
  });

  it('makes DNS lookups fail during the run and work after it', async (t) => {
    const resolver = /^nameserver\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/root/etc/resolv.conf`, 'utf8'))?.[1] ?? '';
    // From the pod's network namespace, with the node's busybox asking the pod's resolver directly.
    const lookup = () =>
      spawnSync(
        'nsenter',
        [
          '-t',
          String(pid),
          '-n',
          '--',
          '/bin/busybox',
          'timeout',
          '5',
          '/bin/busybox',
          'nslookup',
          'kubernetes.default.svc.cluster.local',
          resolver,
        ],
        {
          encoding: 'utf8',
        },
      ).status === 0;
    assert.ok(lookup(), `a lookup through ${resolver} works before`);
    await start('dns', ['--mode=dns', '--action=reject'], '15s');
    await pts.until('dns', 'running', allRunning(1), 60_000);
    await sleep(2_000);
    const during = lookup();
    t.diagnostic(`resolver ${resolver}; during: ${during}`);
    const done = await pts.until('dns', 'finished', finished, 60_000);
    assert.equal(during, false, 'lookups fail during the run');
    assert.equal(done.status?.targets?.[0]?.result?.exitReason, 'Completed', JSON.stringify(done.status?.targets));
    assert.deepEqual(toeRules(pid), []);
    assert.ok(lookup(), 'lookups work after the run');
  });

  it('refuses a second network run on the same pod while one holds it', async () => {
    await start('first', ['--mode=partition', '--ports=9'], '30s');
    await pts.until('first', 'running', allRunning(1), 60_000);
    await start('second', ['--mode=partition', '--ports=10'], '30s');
    const second = await pts.until('second', 'refused', (pt) => JSON.stringify(pt.status ?? {}).includes('first'), 30_000);
    assert.equal((second.status?.targets ?? []).filter((x) => x.phase === 'Running').length, 0, JSON.stringify(second.status));
    await pts.suspend('first');
    await pts.until('first', 'finished', finished, 30_000);
    await pts.suspend('second');
    assert.deepEqual(toeRules(pid), []);
  });

  it('refuses latency on a node whose kernel has no sch_netem, with nothing done', async () => {
    const netem = spawnSync(
      'nsenter',
      ['-t', String(pid), '-n', '--', 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'],
      {
        encoding: 'utf8',
      },
    );
    if (netem.status === 0) {
      inPod(pid, ['tc', 'qdisc', 'del', 'dev', 'lo', 'root']);
      return; // this node has netem: the refusal cannot be shown here
    }
    await start('latency', ['--mode=latency', '--delay=100ms'], '15s');
    const done = await pts.until('latency', 'finished', finished, 60_000);
    const result = done.status?.targets?.[0]?.result;
    assert.match(String(result?.message), /refused: .*sch_netem/, JSON.stringify(done.status?.targets));
    assert.deepEqual(toeQdisc(pid), []);
  });
});
