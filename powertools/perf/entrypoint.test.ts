import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collapsePerfScript } from '../../processing/kinds/perf/parse.ts';
import { buildHotApp, privateBinaryCommand } from '../../test/tools/hot-app.ts';
import { outputDir } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

const app = cannotRun('perf') === undefined ? buildHotApp() : undefined;
const skip = cannotRun('perf') ?? (app ? undefined : 'cannot build samples/apps/cpu-hot (gcc with a static libc)');

describe('perf entrypoint', { skip }, () => {
  let target: Target;
  before(async () => {
    // The app runs from a path that exists only in its own mount namespace, as in a container image.
    const { cmd, comm } = privateBinaryCommand(app as string);
    target = await Target.start(cmd, [], comm);
  });
  after(async () => {
    await target?.stop();
  });

  it("samples the target's stacks with PERFMON + SYS_PTRACE and names the app's hot function", async () => {
    const out = outputDir();
    try {
      const run = await runTool('perf', {
        target,
        args: ['--freq=199', '--keep-data'],
        env: { TOE_DURATION_SECONDS: '7', PERF_SLICE_SECONDS: '2', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir },
      });
      assert.equal(run.code, 0, run.stderr);
      const r = run.result;
      assert.equal(r?.exitReason, 'Completed', run.stdout);
      assert.equal(r?.partial, false);
      // How many slices fit depends on how busy the node is (perf starts slowly when starved): at least one.
      const slices = r?.effect.slices as number;
      assert.ok(slices >= 1, JSON.stringify(r?.effect));
      assert.deepEqual(out.files(), ['perf.data.tar', 'perf.script', 'result.json']);
      const script = readFileSync(join(out.runDir, 'perf.script'), 'utf8');
      const profile = await collapsePerfScript([script]);
      assert.ok(profile.stats.samples > 10, `samples: ${profile.stats.samples}`);
      assert.equal(profile.stats.samples, r?.effect.samples);
      const hot = [...profile.stacks].filter(([stack]) => /toe_demo_work;toe_demo_hot_loop/.test(stack)).reduce((n, [, c]) => n + c, 0);
      assert.ok(hot > profile.total / 2, `hot stacks ${hot} of ${profile.total}:\n${[...profile.stacks.keys()].slice(0, 5).join('\n')}`);
      // Only the target's processes: the tool's own shell, perf and sleep are never sampled.
      for (const stack of profile.stacks.keys()) assert.match(stack, /^toe-demo-hot;/);
      // The raw data: concatenated tar archives, one perf.data per slice.
      const tar = spawnSync('tar', ['-t', '-i', '-f', join(out.runDir, 'perf.data.tar')], { encoding: 'utf8' });
      assert.deepEqual(
        tar.stdout.trim().split('\n'),
        Array.from({ length: slices }, (_, i) => `perf.data.000${i + 1}`),
      );
    } finally {
      out.remove();
    }
  });

  it('keeps the slices it has when stopped, marked partial', async () => {
    const run = await runTool('perf', {
      target,
      env: { TOE_DURATION_SECONDS: '60', PERF_SLICE_SECONDS: '2', TOE_OUTPUT_MODE: 'logs' },
      signal: { name: 'SIGTERM', afterMs: 6000 },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result?.exitReason, 'Stopped');
    assert.equal(run.result?.partial, true);
    assert.ok((run.result?.effect.samples as number) > 0, JSON.stringify(run.result));
    assert.match(run.stdout, /toe_demo_hot_loop/);
    assert.match(run.stdout, /^TOE-ARTIFACT-END perf\.script \d+ true$/m);
  });

  it('fails with the reason when it may not profile the target (neither PERFMON nor SYS_PTRACE)', async () => {
    const run = await runTool('perf', { target, capabilities: [], env: { TOE_DURATION_SECONDS: '3', TOE_OUTPUT_MODE: 'logs' } });
    assert.equal(run.code, 1);
    assert.equal(run.result?.exitReason, 'Error');
    assert.match(run.result?.message ?? '', /perf record failed/);
  });
});
