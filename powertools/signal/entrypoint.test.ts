import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { logArtifacts } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

// A PID 1 with a SIGTERM handler (a shell that traps it), with a child process named "sleep".
const withHandler = ['/bin/sh', '-c', 'trap "exit 0" TERM; sleep 600 & while :; do sleep 1; done'];

describe('signal entrypoint', { skip: cannotRun('signal') }, () => {
  it('reports SignalNotDeliverable and does nothing when PID 1 has no handler', async () => {
    const target = await Target.start(['/bin/sleep', '600']);
    try {
      for (const signal of ['SIGTERM', 'SIGKILL']) {
        const run = await runTool('signal', { target, args: [`--signal=${signal}`], env: { TOE_DURATION_SECONDS: '5' } });
        assert.equal(run.code, 2, run.stderr);
        assert.equal(run.result?.exitReason, 'SignalNotDeliverable');
        assert.equal(run.result?.effect.deliverable, false);
        assert.match(
          run.result?.message ?? '',
          signal === 'SIGKILL' ? /never delivers SIGKILL.*node-level route/ : /no handler for SIGTERM/,
        );
        assert.deepEqual(run.result?.artifacts, []);
        assert.ok(target.alive(), 'the target is untouched');
      }
      // The premise, checked against the kernel: the same signal sent from inside the namespace is dropped.
      spawnSync('nsenter', ['-t', String(target.hostPid), '-p', '--', '/bin/busybox', 'kill', '-TERM', '1']);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(target.alive(), 'a handler-less PID 1 ignores SIGTERM from inside its namespace');
    } finally {
      await target.stop();
    }
  });

  it('signals a PID 1 that handles SIGTERM, publishing its result before the namespace takes it down', async () => {
    const target = await Target.start(withHandler);
    try {
      const run = await runTool('signal', {
        target,
        args: ['--signal=SIGTERM'],
        env: { TOE_DURATION_SECONDS: '5', TOE_OUTPUT_MODE: 'logs' },
      });
      // PID 1 exits, and the kernel kills every process of its namespace, the tool included.
      assert.equal(run.code, null);
      const r = run.result;
      assert.equal(r?.exitReason, 'Completed', run.stdout);
      assert.equal(r?.effect.delivered, true);
      assert.equal(run.terminationLog, run.lines.at(-1)?.slice('TOE-RESULT '.length));
      assert.equal(logArtifacts(run.stdout).get('samples.jsonl')?.text.trim().split('\n').length, 1);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!target.alive());
    } finally {
      await target.stop();
    }
  });

  it('kills a process by name and watches it exit; PID 1 stays', async () => {
    const target = await Target.start(withHandler);
    try {
      const run = await runTool('signal', {
        target,
        args: ['--signal=SIGKILL', '--process=sleep'],
        env: { TOE_DURATION_SECONDS: '5', TOE_OUTPUT_MODE: 'logs' },
      });
      assert.equal(run.code, 0, run.stderr);
      const r = run.result;
      assert.equal(r?.exitReason, 'Completed');
      assert.equal(r?.effect.delivered, true);
      assert.equal(r?.effect.exited, true);
      assert.equal(r?.effect.process, 'sleep');
      assert.notEqual(r?.effect.pid, 1);
      assert.ok(target.alive());
    } finally {
      await target.stop();
    }
  });

  it('reports a process name that matches nothing as not deliverable', async () => {
    const target = await Target.start(withHandler);
    try {
      const run = await runTool('signal', { target, args: ['--process=nginx'], env: { TOE_DURATION_SECONDS: '5' } });
      assert.equal(run.code, 2);
      assert.equal(run.result?.exitReason, 'SignalNotDeliverable');
      assert.match(run.result?.message ?? '', /no process named nginx/);
    } finally {
      await target.stop();
    }
  });
});
