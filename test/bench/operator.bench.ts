/**
 * The operator on the real node, run as the toe image runs it (compiled, its node flags): time from PowerTool create
 * to every target's tool Running, for 1 and 20 targets, against sequential `kubectl debug --target` on the same pods
 * (each debug container Running before the next; the baseline, measured in the same run); and the operator's
 * resident memory with 1,000 pods in its cache, against the same operator with none.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import type { V1Pod } from '@kubernetes/client-node';
import { pino } from 'pino';
import { GROUP, VERSION } from '../../src/api/index.ts';
import { layout } from '../../src/cluster/layout.ts';
import { BASE_IMAGE } from '../../src/cluster/settings.ts';
import { kubernetesDir } from '../../src/cluster/steps/build-kubernetes.ts';
import { buildToe, imageCommand } from '../../src/images/toe-build.ts';
import { serverSideApply } from '../../src/kube/apply.ts';
import { watchedCache } from '../../src/kube/informer.ts';
import { startNode } from '../harness/node.ts';
import { ensureNamespace, testClients } from '../integration/kube.ts';
import { OPERATOR_NS, demoDeployment, idleContainer, prepare, startOperator } from '../e2e/operator.ts';
import type { Bench, BenchResult } from './bench.ts';
import { waitFor } from '../../src/kube/wait.ts';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const line =
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:')) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024;
}

const root = new URL('../..', import.meta.url).pathname;

/**
 * `toe` as the toe image runs it: the compiled build with the image's node flags (its entrypoint, /app being the
 * build), resolving packages from the checkout's node_modules.
 */
async function imageForm(cacheDir: string): Promise<string[]> {
  const built = await buildToe(cacheDir);
  await symlink(join(root, 'node_modules'), join(built, 'node_modules')).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return imageCommand(built);
}

const SETTLE_MS = 3_000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export const bench: Bench = {
  name: 'operator: time to tools Running, and memory',
  async run({ quick, log }) {
    // The stand-in tool (busybox sleep) has no toe-stop: the operator's warnings about stopping it are noise here.
    process.env.TOE_LOG_LEVEL ??= 'error';
    const node = await startNode();
    process.env.KUBECONFIG = node.kubeconfigPath;
    const clients = testClients();
    const kubectl = `${kubernetesDir(layout().cacheDir)}/bin/kubectl`;
    const ns = `bench-${Date.now().toString(36)}`;
    const results: BenchResult[] = [];
    try {
      const kubeconfig = await prepare(clients, []);
      // The same image and command for TOE and for kubectl debug, so only the way of injecting differs.
      await serverSideApply(
        clients.kc,
        {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'PowerToolConfig',
          metadata: { name: 'bench-sleep', namespace: OPERATOR_NS },
          spec: {
            tool: { name: 'bench-sleep', kind: 'profiler' },
            image: BASE_IMAGE,
            imagePullPolicy: 'Never',
            command: ['sleep'],
            defaultArgs: ['60'],
            maxPerPod: 100,
          },
        } as never,
        'powertoolconfigs',
      );
      // One target three times, then 20 three times (medians: one sample is mostly noise). Disjoint pods per run: a run's
      // tools hold their pods until they end, and a second run of the same tool on the same pod is Conflicted.
      const runs = quick ? [1, 5] : [1, 1, 1, 20, 20, 20];
      const pods = await demoDeployment(
        clients,
        ns,
        'bench',
        runs.reduce((a, b) => a + b, 0),
        [idleContainer({ requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '32Mi' } })],
      );
      const image = await imageForm(layout().cacheDir);
      const port = await freePort();
      const operator = startOperator(kubeconfig, ['--inject-concurrency=20', `--http-bind=127.0.0.1:${port}`], image);
      await waitFor(
        'operator ready',
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok || undefined,
        { timeoutMs: 60_000 },
      );

      // Watched, not polled: polling dozens of pods every few ms would load the API server and the node's two cores,
      // which both sides need, and blur the times.
      const watched = watchedCache<V1Pod>(
        clients.kc,
        `/api/v1/namespaces/${ns}/pods`,
        () => clients.core.listNamespacedPod({ namespace: ns }),
        pino({ level: 'silent' }),
      );
      await watched.start();
      const waiters = new Set<() => void>();
      watched.onChange(() => waiters.forEach((w) => w()));
      const running = (names: string[], prefix: string, count = 1) =>
        new Promise<void>((resolve, reject) => {
          const ok = () =>
            names.every(
              (n) =>
                (watched.get(n, ns)?.status?.ephemeralContainerStatuses ?? []).filter((s) => s.name.startsWith(prefix) && s.state?.running)
                  .length >= count,
            );
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`${names.length} pods' ${prefix} containers not running within 180 s`));
          }, 180_000);
          const check = () => {
            if (!ok()) return;
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          };
          waiters.add(check);
          check();
        });
      const debug = (pod: string) =>
        run(
          kubectl,
          ['debug', pod, '-n', ns, `--image=${BASE_IMAGE}`, '--image-pull-policy=Never', '--target=app', '--quiet', '--', 'sleep', '60'],
          { env: { ...process.env, KUBECONFIG: node.kubeconfigPath } },
        );

      const timings = new Map<number, { toe: number[]; kubectl: number[]; fired: number[] }>();
      let offset = 0;
      for (const [i, n] of runs.entries()) {
        const targets = pods.slice(offset, offset + n).map((p: V1Pod) => p.metadata?.name ?? '');
        offset += n;
        const t = timings.get(n) ?? { toe: [], kubectl: [], fired: [] };
        timings.set(n, t);
        // The baseline a person scripting it gets: kubectl debug on one pod, its container Running, then the next.
        log(`kubectl debug, ${n} target(s), one after another`);
        let t0 = performance.now();
        for (const pod of targets) {
          await debug(pod);
          await running([pod], 'debugger-');
        }
        t.kubectl.push(performance.now() - t0);
        // Fired back to back without waiting (the kubelet then starts them together): for the note.
        if (n > 1) {
          t0 = performance.now();
          for (const pod of targets) await debug(pod);
          await running(targets, 'debugger-', 2);
          t.fired.push(performance.now() - t0);
        }
        // The kubelet is still settling the pods after the debug containers started: let it, so that neither side
        // starts on pods the other has just changed.
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        log(`TOE, ${n} target(s)`);
        const name = `bench-${i}-${n}`;
        t0 = performance.now();
        await clients.custom.createNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: ns,
          plural: 'powertools',
          body: {
            apiVersion: `${GROUP}/${VERSION}`,
            kind: 'PowerTool',
            metadata: { name },
            spec: {
              targets: { selector: { matchLabels: { app: 'bench' } }, pods: targets, maxTargets: 100 },
              tool: { name: 'bench-sleep', duration: '2m' },
            },
          },
        });
        await running(targets, 'toe-bench-sleep-');
        t.toe.push(performance.now() - t0);
      }
      for (const [n, t] of timings) {
        const toe = median(t.toe);
        const kube = median(t.kubectl);
        const goal = n === 1 ? 'within 1.5x of kubectl debug' : 'at least 5x faster than sequential kubectl debug';
        const fired = t.fired.length ? `; kubectl debug fired back to back without waiting ${(median(t.fired) / 1000).toFixed(2)} s` : '';
        const runsNote =
          t.toe.length > 1
            ? ` (median of ${t.toe.length}: TOE ${t.toe.map((x) => (x / 1000).toFixed(2)).join(', ')} s; kubectl ${t.kubectl.map((x) => (x / 1000).toFixed(2)).join(', ')} s)`
            : '';
        results.push({
          name: `create -> Running, ${n} target(s), TOE`,
          value: toe / 1000,
          unit: 's',
          goal,
          note: `sequential kubectl debug ${(kube / 1000).toFixed(2)} s; TOE/kubectl = ${(toe / kube).toFixed(2)}, speed-up ${(kube / toe).toFixed(1)}x${fired}${runsNote}`,
        });
      }
      await operator.stop();
      await watched.stop();

      // Memory: the operator as the image runs it, with an empty cache, then with 1,000 more (unschedulable) pods;
      // and the checkout's tsx form beside it, for what the compiled image saves.
      const measure = async (toe?: string[]): Promise<number> => {
        const port = await freePort();
        const op = startOperator(kubeconfig, [`--http-bind=127.0.0.1:${port}`], toe);
        await waitFor('operator ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok || undefined, {
          timeoutMs: 60_000,
        });
        await new Promise((r) => setTimeout(r, 2000));
        const mb = rssMb(op.child.pid as number);
        await op.stop();
        return mb;
      };
      const baseline = await measure(image);
      const many = quick ? 200 : 1000;
      const podNs = `${ns}-cache`;
      await ensureNamespace(clients, podNs);
      log(`creating ${many} pods that never schedule`);
      for (let i = 0; i < many; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, many - i) }, (_, j) =>
            clients.core.createNamespacedPod({
              namespace: podNs,
              body: {
                metadata: { name: `cached-${i + j}`, labels: { app: 'cached', index: String(i + j) } },
                spec: {
                  nodeSelector: { 'toe.dev/bench': 'nowhere' },
                  containers: [{ name: 'app', image: BASE_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
                },
              },
            }),
          ),
        );
      }
      const loaded = await measure(image);
      const checkout = await measure();
      results.push({
        name: `operator RSS, ${many} pods in cache (image: compiled JS)`,
        value: loaded,
        unit: 'MB',
        goal: 'at most 150 MB',
        note: `empty cache ${baseline.toFixed(0)} MB; ratio ${(loaded / baseline).toFixed(2)}`,
      });
      results.push({
        name: `operator RSS, ${many} pods in cache (checkout: tsx)`,
        value: checkout,
        unit: 'MB',
        note: `image form / checkout form = ${(loaded / checkout).toFixed(2)}`,
      });
      await clients.core.deleteNamespace({ name: podNs }).catch(() => undefined);
    } finally {
      await clients.core.deleteNamespace({ name: ns }).catch(() => undefined);
      await node.stop();
    }
    return results;
  },
};
