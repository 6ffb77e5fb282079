import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createCollectorApp } from '../../src/collector/app.ts';
import { serve, type Serving } from '../../src/collector/server.ts';
import { Store } from '../../src/collector/store.ts';
import { createCollectorMetrics } from '../../src/telemetry/metrics.ts';
import { AuthError } from '../../src/collector/token.ts';
import type { Principal, ToolIdentity } from '../../src/collector/auth.ts';
import { logArtifacts, outputDir } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

const fixture = new URL('../../test/tools/fixture-tool.sh', import.meta.url).pathname;
const skip = cannotRun('fixture');

const expectedText = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');
const expectedSeq = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');

describe('tool runtime (powertools/lib)', { skip }, () => {
  let target: Target;
  before(async () => {
    target = await Target.start(['/bin/sleep', '600']);
  });
  after(async () => {
    await target?.stop();
  });

  it('logs mode: streams each artifact in blocks that concatenate to the whole, text on line boundaries', async () => {
    const run = await runTool('fixture', {
      target,
      entrypoint: fixture,
      args: ['--lines=40'],
      env: { TOE_DURATION_SECONDS: '5', TOE_OUTPUT_MODE: 'logs' },
    });
    assert.equal(run.code, 0, run.stderr);
    const r = run.result;
    assert.equal(r?.exitReason, 'Completed');
    const n = r?.effect.lines as number;
    assert.ok(n >= 80, `lines: ${n}`);
    const arts = logArtifacts(run.stdout);
    const txt = arts.get('out.txt');
    assert.ok(txt && txt.blocks >= 2, `blocks: ${txt?.blocks}`);
    assert.equal(txt.text, expectedText(n));
    assert.equal(txt.partial, false);
    const bin = arts.get('out.bin');
    assert.ok(bin);
    const decoded = run.stdout
      .split(/^TOE-ARTIFACT-BEGIN out\.bin$/m)
      .slice(1)
      .map((part) => Buffer.from(part.split(/^TOE-ARTIFACT-END /m)[0] as string, 'base64').toString('utf8'))
      .join('');
    assert.equal(decoded, expectedSeq(n));
    assert.deepEqual(
      r?.artifacts.map((a) => [a.name, a.bytes, a.partial]),
      [
        ['out.txt', Buffer.byteLength(expectedText(n)), false],
        ['out.bin', Buffer.byteLength(expectedSeq(n)), false],
      ],
    );
    // Every line between blocks is a marker or the result: nothing else reaches stdout.
    assert.match(run.lines.at(-1) as string, /^TOE-RESULT \{/);
    assert.equal(run.terminationLog, (run.lines.at(-1) as string).slice('TOE-RESULT '.length));
  });

  it('marks what it saved partial when stopped by SIGTERM, SIGINT or SIGHUP', async () => {
    for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      const run = await runTool('fixture', {
        target,
        entrypoint: fixture,
        env: { TOE_DURATION_SECONDS: '60', TOE_OUTPUT_MODE: 'logs' },
        signal: { name, afterMs: 2500 },
      });
      assert.equal(run.code, 0, `${name}: ${run.stderr}`);
      assert.equal(run.result?.exitReason, 'Stopped', name);
      assert.equal(run.result?.partial, true);
      assert.match(run.result?.message ?? '', new RegExp(name));
      const txt = logArtifacts(run.stdout).get('out.txt');
      assert.equal(txt?.partial, true);
      assert.equal(txt?.text, expectedText(run.result?.effect.lines as number));
    }
  });

  it('pvc mode: writes in place with a .partial marker that result.json replaces', async () => {
    const out = outputDir();
    try {
      const run = await runTool('fixture', {
        target,
        entrypoint: fixture,
        env: { TOE_DURATION_SECONDS: '2', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(out.files(), ['out.bin', 'out.txt', 'result.json']);
      assert.deepEqual(JSON.parse(readFileSync(join(out.runDir, 'result.json'), 'utf8')), run.result);
      assert.equal(readFileSync(join(out.runDir, 'out.txt'), 'utf8'), expectedText(run.result?.effect.lines as number));
    } finally {
      out.remove();
    }
  });

  it('pvc mode: a SIGKILL leaves the data written so far and the .partial marker', async () => {
    const out = outputDir();
    try {
      const run = await runTool('fixture', {
        target,
        entrypoint: fixture,
        env: { TOE_DURATION_SECONDS: '60', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir },
        signal: { name: 'SIGKILL', afterMs: 2500 },
      });
      assert.equal(run.result, undefined);
      assert.deepEqual(out.files(), ['.partial', 'out.bin', 'out.txt']);
      assert.match(readFileSync(join(out.runDir, 'out.txt'), 'utf8'), /^line 1\nline 2\n/);
    } finally {
      out.remove();
    }
  });

  it('pvc mode: writes below TOE_OUTPUT_SUBPATH and refuses one that could leave the volume', async () => {
    const out = outputDir();
    try {
      const env = { TOE_DURATION_SECONDS: '1', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir };
      const run = await runTool('fixture', { target, entrypoint: fixture, env: { ...env, TOE_OUTPUT_SUBPATH: 'toe/runs' } });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(existsSync(join(out.dir, 'toe/runs/run-1/pod-1/result.json')), 'no result.json below the subPath');
      for (const bad of ['../up', 'a/../../b', '/abs', 'a//b', '.hidden']) {
        const refused = await runTool('fixture', { target, entrypoint: fixture, env: { ...env, TOE_OUTPUT_SUBPATH: bad } });
        assert.equal(refused.code, 1, bad);
        assert.match(refused.result?.message ?? '', /TOE_OUTPUT_SUBPATH/, bad);
      }
    } finally {
      out.remove();
    }
  });

  it('refuses an output it cannot use, with a result that says why', async () => {
    const run = await runTool('fixture', { target, entrypoint: fixture, env: { TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: '/nonexistent' } });
    assert.equal(run.code, 1);
    assert.equal(run.result?.exitReason, 'Error');
    assert.match(run.result?.message ?? '', /TOE_OUTPUT_DIR/);
  });

  it('ends at TOE_DEADLINE when that comes before the duration, as Deadline and partial', async () => {
    // As JavaScript writes it, with milliseconds.
    const deadline = new Date(Date.now() + 3000).toISOString();
    const run = await runTool('fixture', {
      target,
      entrypoint: fixture,
      env: { TOE_DURATION_SECONDS: '60', TOE_DEADLINE: deadline, TOE_OUTPUT_MODE: 'logs' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result?.exitReason, 'Deadline');
    assert.equal(run.result?.partial, true);
  });

  it('ends at TOE_DEADLINE but complete when the deadline took only its start-up (≤ 2 s) from the duration', async () => {
    // The operator passes the time left at injection; the container starts a second or so later.
    const deadline = new Date(Date.now() + 3000).toISOString();
    const run = await runTool('fixture', {
      target,
      entrypoint: fixture,
      env: { TOE_DURATION_SECONDS: '4', TOE_DEADLINE: deadline, TOE_OUTPUT_MODE: 'logs' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result?.exitReason, 'Completed');
    assert.equal(run.result?.partial, false);
    // Counted in ticks, not wall time (a loaded machine stretches that): 3 lines a second, 4 s would be 12.
    assert.ok((run.result?.effect.lines as number) < 12, `it ran the whole duration: ${JSON.stringify(run.result?.effect)}`);
  });
});

// The real collector app; only the TokenReview seam is replaced (tokens stand for reviewed identities).
const uid = '0f8e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const identity: ToolIdentity = {
  namespace: 'demo',
  serviceAccount: 'default',
  podName: 'pod-1',
  podUID: '11111111-1111-4111-8111-111111111111',
  powerToolUID: uid,
};
const reader = 'system:serviceaccount:toe-system:toe-operator';
async function authenticate(token: string): Promise<Principal> {
  if (token === 'tok-tool') return { kind: 'tool', identity };
  if (token === 'tok-reader') return { kind: 'reader', username: reader };
  throw new AuthError('unauthenticated', 'unknown token');
}

function call(
  server: Serving,
  method: string,
  path: string,
  token: string,
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = request({ host: '127.0.0.1', port: server.address.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('tool runtime: collector mode', { skip }, () => {
  let target: Target;
  let server: Serving;
  let root: string;
  let n = 0;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'toe-lib-collector-'));
    // The tool reaches the collector on this host's loopback.
    target = await Target.start(['/bin/sleep', '600'], [], undefined, 'host');
  });
  after(async () => {
    await target?.stop();
    await server?.close(100);
    rmSync(root, { recursive: true, force: true });
  });
  async function start(): Promise<void> {
    await server?.close(100);
    const store = await Store.open(join(root, `case-${++n}`), { maxArtifactBytes: 1 << 20, maxRunBytes: 1 << 22, idleTimeoutMs: 60_000 });
    const app = createCollectorApp({
      store,
      authenticate,
      readers: [reader],
      metrics: createCollectorMetrics(undefined, false),
      log: pino({ level: 'silent' }),
    });
    server = await serve(app, { host: '127.0.0.1', port: 0, idleTimeoutMs: 60_000 });
  }
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    TOE_OUTPUT_MODE: 'collector',
    TOE_COLLECTOR_URL: `http://127.0.0.1:${server.address.port}`,
    TOE_COLLECTOR_TOKEN: 'tok-tool',
    ...extra,
  });
  const listing = async (): Promise<{ name: string; bytes: number; partial: boolean; state: string }[]> =>
    (
      JSON.parse((await call(server, 'GET', `/v1/runs/demo/${uid}`, 'tok-reader')).text) as {
        artifacts: { name: string; bytes: number; partial: boolean; state: string }[];
      }
    ).artifacts;
  const artifact = async (name: string): Promise<string> =>
    (await call(server, 'GET', `/v1/runs/demo/${uid}/pod-1/${name}`, 'tok-reader')).text;

  it('uploads in resumable chunks and completes each artifact', async () => {
    await start();
    // Bytes already stored (a restarted upload): the tool must resume from the collector's offset.
    assert.equal((await call(server, 'PUT', '/v1/artifacts/out.txt?offset=0', 'tok-tool', 'line 1\n')).status, 200);
    const run = await runTool('fixture', { target, entrypoint: fixture, args: ['--lines=20'], env: env({ TOE_DURATION_SECONDS: '4' }) });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.result?.effect.lines as number;
    const arts = await listing();
    assert.deepEqual(arts.map((a) => [a.name, a.state, a.partial]).sort(), [
      ['out.bin', 'complete', false],
      ['out.txt', 'complete', false],
    ]);
    assert.equal(await artifact('out.txt'), expectedText(lines));
    assert.equal(await artifact('out.bin'), expectedSeq(lines));
    assert.deepEqual(
      run.result?.artifacts.map((a) => a.partial),
      [false, false],
    );
    // The token never appears in a command line the target could read.
    assert.ok(!run.stdout.includes('tok-tool'));
  });

  it('completes as partial when stopped', async () => {
    await start();
    const run = await runTool('fixture', {
      target,
      entrypoint: fixture,
      env: env({ TOE_DURATION_SECONDS: '60' }),
      signal: { name: 'SIGTERM', afterMs: 3000 },
    });
    assert.equal(run.result?.exitReason, 'Stopped');
    const arts = await listing();
    assert.deepEqual(arts.map((a) => [a.name, a.state, a.partial]).sort(), [
      ['out.bin', 'complete', true],
      ['out.txt', 'complete', true],
    ]);
    assert.equal(await artifact('out.txt'), expectedText(run.result?.effect.lines as number));
  });

  it('has streamed what it collected before an abrupt SIGKILL', async () => {
    await start();
    const run = await runTool('fixture', {
      target,
      entrypoint: fixture,
      env: env({ TOE_DURATION_SECONDS: '60' }),
      signal: { name: 'SIGKILL', afterMs: 4500 },
    });
    assert.equal(run.result, undefined);
    const head = await call(server, 'HEAD', '/v1/artifacts/out.txt', 'tok-tool');
    assert.ok(Number(head.headers['upload-offset']) >= 'line 1\nline 2\nline 3\n'.length, String(head.headers['upload-offset']));
  });

  it('reports an unreachable collector and keeps the artifacts marked partial', async () => {
    const run = await runTool('fixture', {
      target,
      entrypoint: fixture,
      env: { ...env({ TOE_DURATION_SECONDS: '2' }), TOE_COLLECTOR_URL: 'http://127.0.0.1:9' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      run.result?.artifacts.map((a) => a.partial),
      [true, true],
    );
    assert.equal(run.result?.partial, true);
    assert.match(run.result?.message ?? '', /collector/);
  });
});
