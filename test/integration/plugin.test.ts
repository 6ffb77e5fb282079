/**
 * `kubectl toe` through the real kubectl against a real kube-apiserver: kubectl finds kubectl-toe on PATH and runs
 * it as a plugin, and completes through kubectl_complete-toe. run refuses what the tool's allowlist refuses before
 * creating anything, and creates exactly the PowerTool the flags describe; get, describe and stop act on it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GROUP, VERSION } from '../../src/api/index.ts';
import { kubernetesDir } from '../../src/cluster/steps/build-kubernetes.ts';
import { layout } from '../../src/cluster/layout.ts';
import { ensureNamespace, ignoreExists, installCrds, neverPulledConfig, testClients } from './kube.ts';

const exec = promisify(execFile);
const clients = testClients();
const OPERATOR_NS = 'toe-system';
const suffix = Date.now().toString(36);
const NS = `plugin-it-${suffix}`;
const TOOL = `plugin-it-${suffix}`;
const kubectl = join(kubernetesDir(layout().cacheDir), 'bin', 'kubectl');
const bin = new URL('../../bin/', import.meta.url).pathname;
let dir = '';

/** kubectl with the plugin on PATH; never throws, so a refusal's exit code and stderr can be asserted. */
async function k(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` };
  return exec(kubectl, args, { env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout, err: stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: e.stdout ?? '', err: e.stderr ?? '' }),
  );
}

describe('kubectl toe, as a kubectl plugin', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubectl-toe-it-'));
    symlinkSync(join(bin, 'kubectl-toe.js'), join(dir, 'kubectl-toe'));
    symlinkSync(join(bin, 'kubectl_complete-toe.js'), join(dir, 'kubectl_complete-toe'));
    await installCrds(clients);
    await ensureNamespace(clients, OPERATOR_NS);
    await ensureNamespace(clients, NS, { 'toe.dev/allow-powertools': 'true' });
    const config = neverPulledConfig(TOOL, OPERATOR_NS) as { spec: Record<string, unknown> };
    config.spec.parameters = [{ name: 'workers', flag: '--workers', type: 'integer', min: 1, max: 4 }];
    await clients.custom
      .createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: OPERATOR_NS, plural: 'powertoolconfigs', body: config })
      .catch(ignoreExists);
  });

  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
    await clients.custom
      .deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: OPERATOR_NS, plural: 'powertoolconfigs', name: TOOL })
      .catch(() => undefined);
  });

  it('is listed by kubectl plugin list', async () => {
    const r = await k('plugin', 'list');
    assert.match(r.out, /kubectl-toe/);
  });

  it("refuses arguments the tool's allowlist refuses, naming them, and creates nothing", async () => {
    const r = await k('toe', 'run', TOOL, '-n', NS, '-l', 'app=web', '--', '--workers=9', '--rm=-rf');
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`refused by the ${TOOL} allowlist: spec\\.tool\\.args\\[0\\].*spec\\.tool\\.args\\[1\\]`));
    assert.equal((await clients.resources.powerTools.list(NS)).items.length, 0);
  });

  it('creates the PowerTool the flags describe; get, describe and stop act on it', async () => {
    const r = await k(
      'toe',
      'run',
      TOOL,
      '-n',
      NS,
      '-l',
      'app=web,tier=front',
      '--name',
      'one',
      '--duration',
      '45s',
      '--max-targets',
      '2',
      '--',
      '--workers=2',
    );
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `powertool.${GROUP}/one created\n`);
    const pt = await clients.resources.powerTools.get(NS, 'one');
    assert.deepEqual(pt.spec.targets.selector, { matchLabels: { app: 'web', tier: 'front' } });
    assert.equal(pt.spec.targets.maxTargets, 2);
    assert.deepEqual(pt.spec.tool, { name: TOOL, args: ['--workers=2'], duration: '45s' });

    const list = await k('toe', 'get', '-n', NS);
    assert.match(list.out, /^NAME +TOOL +PHASE/);
    assert.match(list.out, new RegExp(`^one +${TOOL} +Pending +0/0`, 'm'));
    const shown = await k('toe', 'describe', 'one', '-n', NS);
    assert.match(shown.out, new RegExp(`^Tool: +${TOOL} --workers=2$`, 'm'));

    const stopped = await k('toe', 'stop', 'one', '-n', NS);
    assert.equal(stopped.code, 0, stopped.err);
    assert.equal((await clients.resources.powerTools.get(NS, 'one')).spec.suspend, true);
  });

  it("completes through kubectl's own plugin completion: verbs, tools and PowerTool names", async () => {
    const lines = async (...words: string[]) => (await k('__complete', 'toe', ...words)).out.split('\n').filter(Boolean);
    assert.deepEqual(await lines('de'), ['describe', ':4']);
    assert.ok((await lines('run', 'plugin-it')).includes(TOOL));
    assert.deepEqual(await lines('describe', '-n', NS, ''), ['one', ':4']);
  });
});
