import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PodCgroups } from '../../test/tools/cgroups.ts';
import { logArtifacts, outputDir } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

const skip = cannotRun('cpu');

describe('cpu entrypoint', { skip }, () => {
  let cgroups: PodCgroups;
  let target: Target;
  before(async () => {
    cgroups = new PodCgroups();
    target = await Target.start(['/bin/sleep', '600'], cgroups.procs('target'));
  });
  after(async () => {
    await target?.stop();
    cgroups?.remove();
  });

  const toolProcs = (): string => readFileSync(cgroups.file('cpuacct', 'tool', 'cgroup.procs'), 'utf8').trim();

  it('loads the CPU for the duration, samples every second and reports the measured effect', async () => {
    const out = outputDir();
    try {
      const run = await runTool('cpu', {
        target,
        args: ['--workers=1', '--load=100'],
        cgroupProcs: cgroups.procs('tool'),
        env: { TOE_DURATION_SECONDS: '3', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir },
      });
      assert.equal(run.code, 0, run.stderr);
      const r = run.result;
      assert.ok(r, run.stdout);
      assert.equal(r.exitReason, 'Completed');
      assert.equal(r.partial, false);
      assert.equal(run.terminationLog, run.lines.at(-1)?.slice('TOE-RESULT '.length));
      assert.deepEqual(out.files(), ['result.json', 'samples.jsonl']);
      const samples = readFileSync(join(out.runDir, 'samples.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.ok(samples.length >= 2, `samples: ${samples.length}`);
      for (const s of samples) {
        assert.match(String(s.t), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.equal(typeof s.toolCpuMillicores, 'number');
        assert.equal(typeof s.targetCpuMillicores, 'number', 'the target cgroup is read through /proc/1/root');
        assert.equal(s.cpuMillicores, (s.toolCpuMillicores as number) + (s.targetCpuMillicores as number));
      }
      // The load lands in the tool's own cgroup (the pod's), and stress-ng is gone afterwards.
      assert.ok((r.effect.toolCpuMillicores as number) > 50, JSON.stringify(r.effect));
      assert.equal(r.effect.requestedMillicores, 1000);
      // A baseline before the load: samples before the reported fault window, none of them with the load in them.
      const start = Date.parse(String(r.effect.faultStartedAt));
      assert.ok(start <= Date.parse(String(r.effect.faultEndedAt)), JSON.stringify(r.effect));
      const before = samples.filter((x) => Date.parse(String(x.t)) < start);
      assert.ok(before.length >= 1, `no baseline sample before ${String(r.effect.faultStartedAt)}: ${JSON.stringify(samples)}`);
      assert.ok(
        before.every((x) => (x.toolCpuMillicores as number) < 300),
        JSON.stringify(before),
      );
      assert.equal(JSON.parse(readFileSync(join(out.runDir, 'result.json'), 'utf8')).exitReason, 'Completed');
      assert.equal(toolProcs(), '');
    } finally {
      out.remove();
    }
  });

  it('stops on SIGTERM, ends the load and keeps the samples marked partial', async () => {
    const out = outputDir();
    try {
      const started = Date.now();
      const run = await runTool('cpu', {
        target,
        args: ['--workers=1', '--load=50'],
        cgroupProcs: cgroups.procs('tool'),
        env: { TOE_DURATION_SECONDS: '60', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir },
        signal: { name: 'SIGTERM', afterMs: 2500 },
      });
      assert.ok(Date.now() - started < 2500 + 10_000, 'exits within 10 s of the signal');
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result?.exitReason, 'Stopped');
      assert.equal(run.result?.partial, true);
      assert.equal(run.result?.artifacts[0]?.partial, true);
      assert.ok(existsSync(join(out.runDir, 'result.json')));
      assert.ok(!existsSync(join(out.runDir, '.partial')));
      assert.equal(toolProcs(), '');
    } finally {
      out.remove();
    }
  });

  it('stops through toe-stop, as the operator does with pods/exec', async () => {
    const run = await runTool('cpu', {
      target,
      cgroupProcs: cgroups.procs('tool'),
      env: { TOE_DURATION_SECONDS: '60', TOE_OUTPUT_MODE: 'logs' },
      toeStopAfterMs: 2500,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result?.exitReason, 'Stopped');
    assert.equal(run.toeStop?.code, 0);
    assert.match(run.toeStop?.stdout ?? '', /stopped/);
  });

  it("measures the tool's own CPU when the target's cgroup cannot be read (no SYS_PTRACE)", async () => {
    const run = await runTool('cpu', {
      target,
      capabilities: [],
      cgroupProcs: cgroups.procs('tool'),
      env: { TOE_DURATION_SECONDS: '2', TOE_OUTPUT_MODE: 'logs' },
    });
    assert.equal(run.code, 0, run.stderr);
    const samples = (logArtifacts(run.stdout).get('samples.jsonl')?.text ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(samples.length > 0);
    for (const s of samples) {
      assert.equal(s.measured, 'tool');
      assert.equal(s.cpuMillicores, s.toolCpuMillicores);
      assert.equal(s.targetCpuMillicores, undefined);
    }
  });

  it('refuses a load above its CPU budget before doing anything', async () => {
    const run = await runTool('cpu', {
      target,
      args: ['--workers=2', '--load=100'],
      env: { TOE_DURATION_SECONDS: '3', TOE_CPU_LIMIT: '1500m' },
    });
    assert.equal(run.code, 2);
    assert.equal(run.result?.exitReason, 'Error');
    assert.match(run.result?.message ?? '', /^refused: .*2000m.*1500m/);
    assert.equal(run.result?.artifacts.length, 0);
  });
});
