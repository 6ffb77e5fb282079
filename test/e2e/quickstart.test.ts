/**
 * `toe quickstart` as a user runs it, against the node the harness gives (KUBECONFIG): it installs everything,
 * runs the sample PowerTool to Succeeded, names the sample app's hot function, writes a report that names it
 * too, puts the admission webhooks back as it found them, and works a second time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GROUP, VERSION, type PowerTool } from '../../src/api/index.ts';
import { snapshotWebhooks } from '../../src/quickstart/webhooks.ts';
import { testClients } from '../integration/kube.ts';
import { dumpOnFailure } from './diagnose.ts';

dumpOnFailure(import.meta.filename, () => ['demo']);

const root = new URL('../..', import.meta.url).pathname;
const clients = testClients();

function toe(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 15 * 60_000,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/toe.js'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** The webhook configurations' identity and endpoints, to compare before and after. */
async function webhookState(): Promise<string> {
  const s = await snapshotWebhooks(clients.admission);
  return JSON.stringify([s.validating?.webhooks?.map((w) => w.clientConfig), s.mutating?.webhooks?.map((w) => w.clientConfig)]);
}

describe('toe quickstart', () => {
  it('runs the sample PowerTool to Succeeded, prints the hot function and writes a report naming it', async () => {
    const reportsDir = mkdtempSync(join(tmpdir(), 'toe-qs-e2e-'));
    const webhooksBefore = await webhookState();
    const names: string[] = [];
    for (const attempt of [1, 2]) {
      const r = await toe(['quickstart', '--reports-dir', reportsDir]);
      const transcript = `attempt ${attempt}\n--- stdout\n${r.out}\n--- stderr\n${r.err}`;
      assert.equal(r.code, 0, transcript);

      const name = /^PowerTool demo\/(quickstart-[a-z0-9]+): Succeeded/m.exec(r.out)?.[1];
      assert.ok(name, `no Succeeded PowerTool line\n${transcript}`);
      names.push(name);
      const hot = r.out.slice(r.out.indexOf('Hottest functions'));
      assert.match(hot, /^\s+\d+\.\d% +\d+\.\d% +toe_demo_hot_loop$/m, transcript);
      assert.match(r.out, /kubectl logs -n demo demo-app-\S+ -c toe-perf-[0-9a-f]{8}/, transcript);

      const report = /^Report: (\S+\.html)$/m.exec(r.out)?.[1];
      assert.ok(report, transcript);
      assert.ok(report.startsWith(reportsDir), `the report ${report} is not under --reports-dir`);
      assert.ok(existsSync(report), `${report} does not exist`);
      assert.match(readFileSync(report, 'utf8'), /toe_demo_hot_loop/);

      const pt = (await clients.custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: 'demo',
        plural: 'powertools',
        name,
      })) as PowerTool;
      assert.equal(pt.status?.phase, 'Succeeded');
      assert.equal(pt.status?.targets?.length, 3);
      for (const t of pt.status?.targets ?? []) assert.equal(t.exitCode, 0, `${t.pod}: ${t.reason} ${t.message}`);
      assert.match(r.err, /✓ stopping the operator/);
      assert.equal(await webhookState(), webhooksBefore, 'the admission webhooks are not as the quickstart found them');
    }
    assert.notEqual(names[0], names[1], 'each run has its own PowerTool');
  });

  it('refuses before any change when KUBECONFIG names a missing file', async () => {
    const r = await toe(['quickstart'], { ...process.env, KUBECONFIG: '/nonexistent/kubeconfig' }, 60_000);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot run the quickstart:\n {2}\* KUBECONFIG names \/nonexistent\/kubeconfig, which cannot be read/);
    assert.doesNotMatch(r.err, /✓/, 'nothing ran');
  });
});
