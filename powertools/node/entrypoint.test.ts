import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldCpuProfile, foldHeapProfile } from '../../processing/kinds/runtime/v8.ts';
import { logArtifacts, outputDir } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

// The real sample app (samples/apps/node-hot) as PID 1 of its own PID and network namespaces, inspector closed.
const app = new URL('../../samples/apps/node-hot/app.mjs', import.meta.url).pathname;

/** Whether anything listens on 127.0.0.1:9229 in the target's network namespace (the inspector). */
function inspectorOpen(target: Target): boolean {
  const tcp = readFileSync(`/proc/${target.hostPid}/net/tcp`, 'utf8');
  return tcp.split('\n').some((l) => / 0100007F:240D 00000000:0000 0A /.test(l));
}

describe('node entrypoint', { skip: cannotRun('node') }, () => {
  let target: Target;
  before(async () => {
    target = await Target.start(['/usr/bin/node', app, '50'], [], 'node');
  });
  after(async () => {
    await target?.stop();
  });

  it('opens the inspector, profiles CPU and heap naming the app’s functions, and closes the inspector again', async () => {
    assert.equal(inspectorOpen(target), false);
    const out = outputDir();
    try {
      const run = await runTool('node', { target, env: { TOE_DURATION_SECONDS: '6', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir } });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result?.exitReason, 'Completed', run.stdout);
      assert.deepEqual(out.files(), ['cpu.cpuprofile', 'heap.heapprofile', 'result.json']);
      assert.deepEqual([run.result?.effect.openedInspector, run.result?.effect.inspectorLeftOpen], [true, false]);
      const cpu = await foldCpuProfile([readFileSync(join(out.runDir, 'cpu.cpuprofile'))]);
      // V8's own entries ((idle), (program), (garbage collector)) aside, the hot path leads.
      const [hottest] = [...cpu.stacks].filter(([s]) => !s.startsWith('(')).sort((a, b) => b[1] - a[1]);
      assert.match(hottest?.[0] ?? '', /toeNodeWork;toeNodeHotLoop$/);
      assert.match(cpu.sources.toeNodeHotLoop ?? '', /node-hot\/app\.mjs:12$/);
      const heap = await foldHeapProfile([readFileSync(join(out.runDir, 'heap.heapprofile'))]);
      assert.ok(
        [...heap.stacks.keys()].some((s) => s.endsWith('toeNodeRetain')),
        JSON.stringify([...heap.stacks.keys()].slice(0, 5)),
      );
      assert.equal(inspectorOpen(target), false, 'the inspector is still open after the run');
      assert.ok(target.alive());
    } finally {
      out.remove();
    }
  });

  it('keeps the profiles taken so far when stopped, marked partial, and still closes the inspector', async () => {
    const run = await runTool('node', {
      target,
      args: ['--profile=cpu'],
      env: { TOE_DURATION_SECONDS: '60', TOE_OUTPUT_MODE: 'logs' },
      signal: { name: 'SIGTERM', afterMs: 4000 },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([run.result?.exitReason, run.result?.partial], ['Stopped', true]);
    const cpu = logArtifacts(run.stdout).get('cpu.cpuprofile');
    assert.ok(cpu && cpu.text.includes('toeNodeHotLoop'));
    assert.equal(inspectorOpen(target), false);
  });

  it('refuses a process name that does not run in the target', async () => {
    const run = await runTool('node', { target, args: ['--process=deno'], env: { TOE_DURATION_SECONDS: '5', TOE_OUTPUT_MODE: 'logs' } });
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.result?.message ?? '', /no process named deno/);
  });
});
