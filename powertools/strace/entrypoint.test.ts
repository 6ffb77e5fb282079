import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStraceSummary, parseStraceTrace } from '../../processing/kinds/strace/parse.ts';
import { logArtifacts, outputDir } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

// PID 1 is a shell that keeps opening a file through a child; "sleep" children come and go.
const busy = ['/bin/sh', '-c', 'while :; do cat /etc/hostname > /dev/null; sleep 0.2; done'];

describe('strace entrypoint', { skip: cannotRun('strace') }, () => {
  let target: Target;
  before(async () => {
    target = await Target.start(busy);
  });
  after(async () => {
    await target?.stop();
  });

  it('summarises the syscalls of PID 1 and its children, in slices that readers sum', async () => {
    const out = outputDir();
    try {
      const run = await runTool('strace', { target, env: { TOE_DURATION_SECONDS: '7', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir } });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result?.exitReason, 'Completed', run.stdout);
      const text = readFileSync(join(out.runDir, 'strace.summary'), 'utf8');
      assert.equal((text.match(/^% time/gm) ?? []).length, run.result?.effect.slices);
      const summary = await parseStraceSummary([text]);
      assert.equal(summary.garbageLines, 0);
      const names = summary.rows.map((r) => r.syscall);
      // -f: the children's execve and openat are counted too.
      for (const name of ['openat', 'execve', 'wait4']) assert.ok(names.includes(name), names.join(' '));
    } finally {
      out.remove();
    }
  });

  it('traces one syscall class with timestamps and durations', async () => {
    const run = await runTool('strace', {
      target,
      args: ['--mode=trace', '--syscalls=file'],
      env: { TOE_DURATION_SECONDS: '3', TOE_OUTPUT_MODE: 'logs' },
    });
    assert.equal(run.code, 0, run.stderr);
    const trace = logArtifacts(run.stdout).get('strace.trace');
    assert.ok(trace);
    assert.match(trace.text, /^\d+ +\d\d:\d\d:\d\d\.\d{6} openat\(AT_FDCWD, "\/etc\/hostname"/m);
    assert.doesNotMatch(trace.text, / (wait4|clone|vfork)\(/);
    const parsed = await parseStraceTrace([trace.text]);
    assert.ok(parsed.rows.some((r) => r.syscall === 'openat'));
  });

  it('traces a process by name and stops with what it has, marked partial', async () => {
    const run = await runTool('strace', {
      target,
      args: ['--mode=trace', '--process=sh'],
      env: { TOE_DURATION_SECONDS: '60', TOE_OUTPUT_MODE: 'logs' },
      signal: { name: 'SIGTERM', afterMs: 3000 },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result?.exitReason, 'Stopped');
    assert.equal(run.result?.effect.pid, 1);
    const trace = logArtifacts(run.stdout).get('strace.trace');
    assert.equal(trace?.partial, true);
    assert.match(trace?.text ?? '', /openat/);
  });

  it('fails with the reason without SYS_PTRACE', async () => {
    const run = await runTool('strace', { target, capabilities: [], env: { TOE_DURATION_SECONDS: '3', TOE_OUTPUT_MODE: 'logs' } });
    assert.equal(run.result?.partial, true, run.stdout);
    assert.match(run.result?.message ?? '', /could not be traced.*(not permitted|EPERM)/i);
  });
});
