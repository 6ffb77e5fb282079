/**
 * The node is real: pods run in containerd under a real kubelet, an ephemeral container joins a target's PID
 * namespace, Services resolve through CoreDNS, the kernel OOM-kills over a memory limit, and `toe cluster down`
 * leaves no process or mount behind and no route off the machine for the cluster's addresses (then `up` brings it
 * back within its warm budget).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Container, type V1Pod } from '@kubernetes/client-node';
import { layout } from '../../src/cluster/layout.ts';
import { mounts, mountsUnder } from '../../src/cluster/mounts.ts';
import { isUp } from '../../src/cluster/modes.ts';
import { readState } from '../../src/cluster/state.ts';
import { processStartTime } from '../../src/cluster/daemon.ts';
import { BASE_IMAGE, network } from '../../src/cluster/settings.ts';
import { ensureImages } from '../../src/images/images.ts';
import { toeImage } from '../../src/images/toe-image.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { dumpOnFailure } from './diagnose.ts';

const run = promisify(execFile);
const kc = new KubeConfig();
kc.loadFromDefault();
const core = kc.makeApiClient(CoreV1Api);
const ns = `toe-e2e-cluster-${Date.now().toString(36)}`;
dumpOnFailure(import.meta.filename, () => [ns]);

/** The error a TCP connect ends with. EHOSTUNREACH comes from the local routing table, before any packet is sent. */
function connectError(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 3000 });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('timeout', () => {
      s.destroy();
      resolve('timeout');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

const pod = (name: string, spec: V1Pod['spec'], labels: Record<string, string> = {}): V1Pod => ({
  metadata: { name, namespace: ns, labels },
  spec: { terminationGracePeriodSeconds: 1, ...spec } as V1Pod['spec'],
});
const container = (name: string, command: string[], extra: Partial<V1Container> = {}): V1Container => ({
  name,
  image: BASE_IMAGE,
  imagePullPolicy: 'Never',
  command,
  ...extra,
});
const read = (name: string): Promise<V1Pod> => core.readNamespacedPod({ name, namespace: ns });

async function terminated(name: string, timeoutMs = 60_000): Promise<V1Pod> {
  return waitFor(
    `pod ${name} to terminate`,
    async () => {
      const p = await read(name);
      return p.status?.containerStatuses?.[0]?.state?.terminated ? p : undefined;
    },
    { timeoutMs: timeoutMs },
  );
}

describe('toe cluster: a real node', () => {
  before(async () => {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await waitFor('the namespace default ServiceAccount', () => core.readNamespacedServiceAccount({ name: 'default', namespace: ns }), {
      timeoutMs: 60_000,
    });
    await core.createNamespacedPod({
      namespace: ns,
      body: pod(
        'two',
        {
          containers: [
            container('main', ['sh', '-c', 'echo hello > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']),
            container('side', ['sleep', '3600']),
          ],
        },
        { app: 'two' },
      ) as V1Pod,
    });
  });

  after(async () => {
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
  });

  it('runs a pod with two containers', async () => {
    const p = await waitFor(
      'pod two to run both containers',
      async () => {
        const p = await read('two');
        return p.status?.containerStatuses?.filter((c) => c.ready).length === 2 ? p : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.equal(p.status?.phase, 'Running');
    assert.match(p.status?.podIP ?? '', /^10\.244\./);
  });

  it("runs an ephemeral container in the target container's PID namespace and reports its exit code and logs", async () => {
    const ephemeral = {
      name: 'probe',
      image: BASE_IMAGE,
      imagePullPolicy: 'Never',
      targetContainerName: 'main',
      command: ['sh', '-c', 'tr "\\0" " " < /proc/1/cmdline; echo; sleep 2; exit 7'],
    };
    // Strategic merge, as kubectl debug does: a JSON merge patch would replace the list, and the API refuses that.
    await core.patchNamespacedPodEphemeralcontainers(
      { name: 'two', namespace: ns, body: { spec: { ephemeralContainers: [ephemeral] } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await waitFor(
      'the ephemeral container to run',
      async () => {
        const s = (await read('two')).status?.ephemeralContainerStatuses?.find((c) => c.name === 'probe');
        return s?.state?.running || s?.state?.terminated ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const status = await waitFor(
      'the ephemeral container to terminate',
      async () => {
        const s = (await read('two')).status?.ephemeralContainerStatuses?.find((c) => c.name === 'probe');
        return s?.state?.terminated ?? undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.equal(status.exitCode, 7);
    const logs = await core.readNamespacedPodLog({ name: 'two', namespace: ns, container: 'probe' });
    assert.match(logs, /^httpd -f -p 8080 -h \/tmp/);
  });

  it('resolves a Service by DNS name from another pod and reaches the pod behind it', async () => {
    await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'two' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    await core.createNamespacedPod({
      namespace: ns,
      body: pod('client', {
        restartPolicy: 'Never',
        containers: [
          container('client', [
            'sh',
            '-c',
            `for i in $(seq 30); do nslookup web.${ns}.svc.${network.clusterDomain} && printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc web 80 && exit 0; sleep 1; done; exit 1`,
          ]),
        ],
      }) as V1Pod,
    });
    const p = await terminated('client', 90_000);
    const logs = await core.readNamespacedPodLog({ name: 'client', namespace: ns });
    assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0, logs);
    assert.match(logs, /Address: 10\.96\./);
    assert.match(logs, /200 OK[\s\S]*hello/);
  });

  it('reports a container over its memory limit as OOMKilled', async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: pod('hog', {
        restartPolicy: 'Never',
        containers: [container('hog', ['sh', '-c', 'x=a; while true; do x=$x$x; done'], { resources: { limits: { memory: '32Mi' } } })],
      }) as V1Pod,
    });
    const p = await terminated('hog');
    assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'OOMKilled');
  });
});

describe('the toe image', () => {
  const l = layout();
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const image = `localhost/toe:${version}`;
  const sample = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const imageNs = `toe-e2e-image-${Date.now().toString(36)}`;

  before(async () => {
    // A cluster this suite shares may have been started before the image existed: build and import it if needed,
    // the way `toe cluster images` does (nothing happens when it is current).
    if (process.env.KUBECONFIG === l.kubeconfig) {
      await ensureImages([await toeImage(l.cacheDir)], { socket: l.containerdSocket, importedFile: join(l.stateDir, 'images.json') });
    }
    await core.createNamespace({ body: { metadata: { name: imageNs } } });
    await waitFor(
      'the namespace default ServiceAccount',
      () => core.readNamespacedServiceAccount({ name: 'default', namespace: imageNs }),
      { timeoutMs: 60_000 },
    );
    const bad = sample('samples/powertools/perf.yaml').replace('["--freq=99", "--call-graph=fp"]', '["--freq=99", "--output=/etc/passwd"]');
    await core.createNamespacedConfigMap({
      namespace: imageNs,
      body: {
        metadata: { name: 'samples' },
        data: {
          'perf.yaml': sample('samples/powertools/perf.yaml'),
          'perf-config.yaml': sample('samples/configs/perf.yaml'),
          'bad.yaml': bad,
        },
      },
    });
  });

  after(async () => {
    await core.deleteNamespace({ name: imageNs }).catch(() => undefined);
  });

  const toePod = (name: string, args: string[]): V1Pod => ({
    metadata: { name, namespace: imageNs },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      // No command: the image's entrypoint (node /app/bin/toe.js) runs with these arguments, as the chart runs it.
      containers: [
        { name: 'toe', image, imagePullPolicy: 'Never', args, volumeMounts: [{ name: 'samples', mountPath: '/samples', readOnly: true }] },
      ],
      volumes: [{ name: 'samples', configMap: { name: 'samples' } }],
    },
  });

  async function finished(name: string): Promise<{ exitCode: number | undefined; logs: string }> {
    const p = await waitFor(
      `pod ${name} to terminate`,
      async () => {
        const p = await core.readNamespacedPod({ name, namespace: imageNs });
        return p.status?.containerStatuses?.[0]?.state?.terminated ? p : undefined;
      },
      { timeoutMs: 120_000 },
    );
    return {
      exitCode: p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode,
      logs: await core.readNamespacedPodLog({ name, namespace: imageNs }),
    };
  }

  it(`runs \`toe validate\` from ${image} in a pod: the samples pass and a refused argument is named`, async () => {
    await core.createNamespacedPod({
      namespace: imageNs,
      body: toePod('valid', ['validate', '-f', '/samples/perf.yaml', '-f', '/samples/perf-config.yaml', '-o', 'json']),
    });
    await core.createNamespacedPod({
      namespace: imageNs,
      body: toePod('invalid', ['validate', '-f', '/samples/bad.yaml', '-f', '/samples/perf-config.yaml']),
    });
    const valid = await finished('valid');
    assert.equal(valid.exitCode, 0, valid.logs);
    const results = JSON.parse(valid.logs) as { kind: string; valid: boolean }[];
    assert.deepEqual(
      results.map((r) => [r.kind, r.valid]),
      [
        ['PowerTool', true],
        ['PowerToolConfig', true],
      ],
    );
    const invalid = await finished('invalid');
    assert.equal(invalid.exitCode, 1, invalid.logs);
    assert.match(invalid.logs, /spec\.tool\.args\[1\].*--output/);
  });
});

describe('toe cluster down', () => {
  const l = layout();
  const toe = ['--import', 'tsx', new URL('../../src/cli/main.ts', import.meta.url).pathname, 'cluster'];

  // Durations are reported, not asserted (budgets: down ≤ 15 s, warm up ≤ 60 s): timing belongs to benchmarks.
  it('stops every process and mount it started, and up brings the node back', async (t) => {
    const state = await readState(l.stateFile);
    if (!(await isUp(state, 'node')) || process.env.KUBECONFIG !== l.kubeconfig) {
      t.skip('the cluster under test is not a running toe cluster');
      return;
    }
    const before = state!;
    const started = Date.now();
    await run(process.execPath, [...toe, 'down', '-q']);
    const downSeconds = (Date.now() - started) / 1000;
    try {
      for (const [name, rec] of Object.entries(before.daemons)) {
        assert.notEqual(await processStartTime(rec.pid), rec.startTime, `${name} (PID ${rec.pid}) still runs`);
      }
      assert.deepEqual(mountsUnder(await mounts(), [l.stateDir]), [], 'mounts left under the state dir');
      const pids = await readFile('/sys/fs/cgroup/pids/toe/cgroup.procs', 'utf8').catch(() => '');
      assert.equal(pids.trim(), '', 'processes left in the toe cgroup');
      const links = (await run('ip', ['-o', 'link', 'show'])).stdout;
      assert.doesNotMatch(links, new RegExp(`\\b${network.bridge}\\b`));
      assert.doesNotMatch((await run('iptables-save')).stdout, /KUBE-/);
      for (const [key, value] of Object.entries(before.sysctls)) {
        assert.equal((await readFile(`/proc/sys/${key.replaceAll('.', '/')}`, 'utf8')).trim(), value, `${key} restored`);
      }
      // The one thing down leaves: with the bridge gone, the kernel refuses the cluster's ranges locally.
      for (const ip of [network.nodeIp, network.apiServiceIp]) {
        const get = await run('ip', ['route', 'get', ip]).then(
          (r) => r.stdout,
          (e: { stderr?: string }) => e.stderr ?? '',
        );
        assert.match(get, /No route to host|^unreachable/, `ip route get ${ip}: ${get}`);
        assert.equal(await connectError(ip, 6443), 'EHOSTUNREACH', `a connection to ${ip} is refused on this machine`);
      }
      assert.match((await run('ip', ['route', 'show', network.podCidr])).stdout, /^unreachable /m);
    } finally {
      const t0 = Date.now();
      await run(process.execPath, [...toe, 'up', '-q']);
      const upSeconds = (Date.now() - t0) / 1000;
      t.diagnostic(`down ${downSeconds.toFixed(1)}s (budget 15 s), warm up ${upSeconds.toFixed(1)}s (budget 60 s)`);
    }
  });
});
