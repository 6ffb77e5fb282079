import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldPprof } from '../../processing/kinds/runtime/parse.ts';
import { logArtifacts, outputDir } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

// The real sample app (samples/apps/go-hot), built with the host's Go, as PID 1 of its own network namespace: the
// tool reaches its pprof endpoint on that namespace's loopback, as in a pod.
const build = mkdtempSync(join(tmpdir(), 'toe-go-hot-'));
const app = join(build, 'toe-go-hot');

describe('go entrypoint', { skip: cannotRun('go', ['/usr/local/go/bin/go']) }, () => {
  let target: Target;
  before(async () => {
    execFileSync(new URL('../../samples/apps/go-hot/build.sh', import.meta.url).pathname, [app], {
      env: { ...process.env, PATH: `/usr/local/go/bin:${process.env.PATH ?? ''}` },
    });
    target = await Target.start([app, '50'], [], 'toe-go-hot');
  });
  after(async () => {
    await target?.stop();
    rmSync(build, { recursive: true, force: true });
  });

  it('takes CPU slices and a heap profile that name the app’s hot path and what it keeps', async () => {
    const out = outputDir();
    try {
      const run = await runTool('go', { target, env: { TOE_DURATION_SECONDS: '14', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir } });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result?.exitReason, 'Completed', run.stdout);
      // 14 s: one slice of the 10 s minimum, then one of the 2 s left before the run's last 2 s.
      assert.deepEqual(out.files(), ['cpu-1.pprof', 'cpu-2.pprof', 'heap.pprof', 'result.json']);
      assert.equal(run.result?.effect.cpuSlices, 2);
      const cpu = await foldPprof([readFileSync(join(out.runDir, 'cpu-1.pprof'))]);
      const [hottest] = [...cpu.stacks].sort((a, b) => b[1] - a[1]);
      assert.match(hottest?.[0] ?? '', /main\.toeGoWork;main\.toeGoHotLoop$/);
      const heap = await foldPprof([readFileSync(join(out.runDir, 'heap.pprof'))]);
      assert.ok([...heap.stacks.keys()].some((s) => s.endsWith('main.toeGoRetain')));
    } finally {
      out.remove();
    }
  });

  it('keeps the finished slices and the heap profile when stopped, marked partial', async () => {
    const run = await runTool('go', {
      target,
      env: { TOE_DURATION_SECONDS: '60', TOE_OUTPUT_MODE: 'logs' },
      signal: { name: 'SIGTERM', afterMs: 12_500 },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([run.result?.exitReason, run.result?.partial, run.result?.effect.cpuSlices], ['Stopped', true, 1]);
    const artifacts = logArtifacts(run.stdout);
    assert.deepEqual([...artifacts.keys()].sort(), ['cpu-1.pprof', 'heap.pprof']);
    assert.ok(target.alive(), 'the app must not be harmed');
  });

  it('refuses a port where nothing serves pprof, saying what the program must do', async () => {
    const run = await runTool('go', { target, args: ['--port=6061'], env: { TOE_DURATION_SECONDS: '5', TOE_OUTPUT_MODE: 'logs' } });
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.result?.message ?? '', /no pprof endpoint answers at 127\.0\.0\.1:6061.*net\/http\/pprof/);
  });

  it('refuses arguments outside its bounds', async () => {
    for (const args of [['--port=0'], ['--port=65536'], ['--profile=goroutine'], ['--port', '6060']]) {
      const run = await runTool('go', { target, args, env: { TOE_DURATION_SECONDS: '5', TOE_OUTPUT_MODE: 'logs' } });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}`);
    }
  });
});
