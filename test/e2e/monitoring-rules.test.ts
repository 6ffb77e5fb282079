/**
 * The chart's alerting rules through a real promtool (built once from the pinned Prometheus module, like the probe's
 * Prometheus): `check rules` parses every expression and template as Prometheus will, and `test rules` replays the
 * series in toe.rules.test.yaml, so each alert is proven to fire on its condition and stay silent otherwise. In the
 * e2e phase and among its last suites (test/run.ts) only because promtool is built after the cluster's programs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layout } from '../../src/cluster/layout.ts';
import { buildGoProgram } from '../../src/cluster/steps/build-programs.ts';
import { CommandError, exec } from '../../src/host/exec.ts';

const monitoring = new URL('../../charts/toe/monitoring/', import.meta.url).pathname;

/** promtool's output either way, so a failed check shows promtool's own reasons. */
async function promtool(binary: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    return { ok: true, output: await exec(binary, args, { cwd: monitoring }) };
  } catch (err) {
    if (err instanceof CommandError) return { ok: false, output: err.message };
    throw err;
  }
}

describe('the chart alerting rules through promtool', async () => {
  const binary = await buildGoProgram(layout().cacheDir, 'promtool');

  it('are valid rules with no lint finding', async () => {
    const r = await promtool(binary, ['check', 'rules', '--lint-fatal', 'toe.rules.yaml']);
    assert.ok(r.ok, r.output);
    assert.match(r.output, /SUCCESS: 4 rules found/);
  });

  it('fire on their condition and only then, as the rule tests replay it', async () => {
    const r = await promtool(binary, ['test', 'rules', 'toe.rules.test.yaml']);
    assert.ok(r.ok, r.output);
    assert.match(r.output, /SUCCESS/);
  });

  it('fails a rule test whose expected alert does not fire, so the suite above can fail', async () => {
    // The same rules with an expectation no rule meets: promtool must refuse it.
    const dir = await mkdtemp(join(tmpdir(), 'toe-promtool-'));
    try {
      await copyFile(join(monitoring, 'toe.rules.yaml'), join(dir, 'toe.rules.yaml'));
      await writeFile(
        join(dir, 'wrong.test.yaml'),
        [
          'rule_files: [toe.rules.yaml]',
          'tests:',
          '  - interval: 1m',
          "    input_series: [{ series: 'toe_emergency_stop_active', values: '0x10' }]",
          '    alert_rule_test:',
          '      - { eval_time: 5m, alertname: ToeEmergencyStopActive, exp_alerts: [{ exp_labels: { severity: warning } }] }',
          '',
        ].join('\n'),
      );
      const r = await promtool(binary, ['test', 'rules', join(dir, 'wrong.test.yaml')]);
      assert.equal(r.ok, false, r.output);
      assert.match(r.output, /ToeEmergencyStopActive/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
