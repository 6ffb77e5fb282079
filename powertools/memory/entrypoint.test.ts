import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PodCgroups } from '../../test/tools/cgroups.ts';
import { outputDir } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target } from '../../test/tools/sandbox.ts';

const Mi = 1024 * 1024;

/** A "pod": sibling target and tool cgroups under one memory cgroup, with an optional pod limit. */
async function inPod<T>(limit: number | undefined, body: (pod: PodCgroups, target: Target) => Promise<T>): Promise<T> {
  const pod = new PodCgroups(limit);
  const target = await Target.start(['/bin/sleep', '600'], pod.procs('target'));
  try {
    return await body(pod, target);
  } finally {
    await target.stop();
    pod.remove();
  }
}

describe('memory entrypoint', { skip: cannotRun('memory') }, () => {
  it('holds the requested bytes in the pod for the duration, measured from the cgroups', async () => {
    await inPod(undefined, async (pod, target) => {
      const out = outputDir();
      try {
        const run = await runTool('memory', {
          target,
          args: ['--bytes=64Mi'],
          cgroupProcs: pod.procs('tool'),
          env: { TOE_DURATION_SECONDS: '4', TOE_MEMORY_LIMIT: '256Mi', TOE_OUTPUT_MODE: 'pvc', TOE_OUTPUT_DIR: out.dir },
        });
        assert.equal(run.code, 0, run.stderr);
        const r = run.result;
        assert.equal(r?.exitReason, 'Completed', run.stdout);
        assert.equal(r?.effect.oomKilled, false);
        assert.equal(r?.effect.requestedBytes, 64 * Mi);
        const held = r?.effect.heldBytes as number;
        assert.ok(held >= 0.9 * 64 * Mi && held <= 1.2 * 64 * Mi, `held ${held}`);
        const samples = readFileSync(join(out.runDir, 'samples.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, number>);
        assert.ok(
          samples.some((s) => (s.toolMemoryBytes as number) >= 64 * Mi),
          JSON.stringify(samples),
        );
        for (const s of samples) assert.equal(s.memoryBytes, (s.toolMemoryBytes as number) + (s.targetMemoryBytes as number));
        // Released: the tool's cgroup holds nothing once it has ended.
        assert.ok(Number(readFileSync(pod.file('memory', 'tool', 'memory.usage_in_bytes'), 'utf8')) < 8 * Mi);
      } finally {
        out.remove();
      }
    });
  });

  it('reports the OOM kill when the pod limit is below the request, and the target survives', async () => {
    await inPod(48 * Mi, async (pod, target) => {
      const run = await runTool('memory', {
        target,
        args: ['--bytes=64Mi'],
        cgroupProcs: pod.procs('tool'),
        env: { TOE_DURATION_SECONDS: '4', TOE_OUTPUT_MODE: 'logs' },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result?.effect.oomKilled, true, run.stdout);
      assert.equal(run.result?.partial, true);
      assert.match(run.result?.message ?? '', /OOM killer/);
      assert.ok(target.alive());
    });
  });

  it('refuses more than its memory budget', async () => {
    await inPod(undefined, async (pod, target) => {
      const run = await runTool('memory', {
        target,
        args: ['--bytes=100Mi'],
        cgroupProcs: pod.procs('tool'),
        env: { TOE_MEMORY_LIMIT: '128Mi' },
      });
      assert.equal(run.code, 2);
      assert.match(run.result?.message ?? '', /^refused: .*budget/);
    });
  });

  it('frees the memory when stopped', async () => {
    await inPod(undefined, async (pod, target) => {
      const run = await runTool('memory', {
        target,
        args: ['--bytes=32Mi'],
        cgroupProcs: pod.procs('tool'),
        env: { TOE_DURATION_SECONDS: '60', TOE_OUTPUT_MODE: 'logs' },
        signal: { name: 'SIGTERM', afterMs: 3000 },
      });
      assert.equal(run.result?.exitReason, 'Stopped', run.stdout);
      assert.ok(Number(readFileSync(pod.file('memory', 'tool', 'memory.usage_in_bytes'), 'utf8')) < 8 * Mi);
    });
  });
});
