import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpfsVolume } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target, type RunOptions } from '../../test/tools/sandbox.ts';

const usedBytes = (path: string): number => {
  const s = statfsSync(path);
  return (s.blocks - s.bfree) * s.bsize;
};

describe('fill-volume entrypoint', { skip: cannotRun('fill-volume') }, () => {
  let target: Target;
  let volume: { path: string; remove: () => void };
  before(async () => {
    target = await Target.start(['/bin/sleep', '600']);
    volume = tmpfsVolume('64m');
  });
  after(async () => {
    await target?.stop();
    volume?.remove();
  });

  /** Runs the tool and reads the volume's use 2.5 s in, from outside the tool. */
  async function fill(opts: Omit<RunOptions, 'target'>): Promise<{ during: number; run: Awaited<ReturnType<typeof runTool>> }> {
    let during = 0;
    const probe = setTimeout(() => (during = usedBytes(volume.path)), 2500);
    const run = await runTool('fill-volume', {
      target,
      ...opts,
      env: { TOE_VOLUME_PATH: volume.path, TOE_OUTPUT_MODE: 'logs', ...opts.env },
    });
    clearTimeout(probe);
    return { during, run };
  }
  const total = (): number => statfsSync(volume.path).blocks * statfsSync(volume.path).bsize;

  it('fills to the requested percent for the duration, then gives the space back', async () => {
    // A fill file of this run left behind by an earlier attempt is removed first.
    writeFileSync(`${volume.path}/.toe-fill-run-1`, Buffer.alloc(4 * 1024 * 1024));
    writeFileSync(`${volume.path}/app-data`, Buffer.alloc(8 * 1024 * 1024));
    const baseline = usedBytes(volume.path) - 4 * 1024 * 1024;
    const { during, run } = await fill({ args: ['--percent=60'], env: { TOE_DURATION_SECONDS: '4' } });
    assert.equal(run.code, 0, run.stderr);
    const r = run.result;
    assert.equal(r?.exitReason, 'Completed', run.stdout);
    assert.equal(r?.effect.method, 'fallocate');
    assert.ok(during >= 0.6 * total() - 64 * 1024, `during: ${during} of ${total()}`);
    assert.equal(r?.effect.peakPercent, 60);
    assert.equal(usedBytes(volume.path), baseline);
    assert.equal(r?.effect.afterUsedBytes, baseline);
    assert.deepEqual(readdirSync(volume.path), ['app-data']);
  });

  it('frees the space when stopped, and when killed outright', async () => {
    const baseline = usedBytes(volume.path);
    for (const name of ['SIGTERM', 'SIGKILL'] as const) {
      const { during, run } = await fill({ args: ['--percent=50'], env: { TOE_DURATION_SECONDS: '60' }, signal: { name, afterMs: 3500 } });
      assert.ok(during >= 0.5 * total() - 64 * 1024, `${name}: during ${during}`);
      if (name === 'SIGTERM') assert.equal(run.result?.exitReason, 'Stopped');
      // SIGKILL gives the tool no chance to clean up: the kernel frees the unlinked file with its last descriptor.
      assert.equal(usedBytes(volume.path), baseline, name);
      assert.deepEqual(readdirSync(volume.path), ['app-data']);
    }
  });

  it('writes zeros where fallocate is not available (dash, no fallocate command)', async () => {
    const baseline = usedBytes(volume.path);
    const { during, run } = await fill({
      args: ['--percent=40'],
      env: { TOE_DURATION_SECONDS: '4' },
      shell: '/bin/dash',
      withoutApplets: ['fallocate'],
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result?.effect.method, 'write');
    assert.ok(during >= 0.39 * total(), `during: ${during}`);
    assert.equal(usedBytes(volume.path), baseline);
  });

  it('refuses a fill larger than --max-bytes, and one above 95%', async () => {
    const baseline = usedBytes(volume.path);
    let { run } = await fill({ args: ['--percent=90', '--max-bytes=8Mi'], env: { TOE_DURATION_SECONDS: '2' } });
    assert.equal(run.code, 2);
    assert.match(run.result?.message ?? '', /needs .*more than --max-bytes=8Mi/);
    ({ run } = await fill({ args: ['--percent=99'], env: { TOE_DURATION_SECONDS: '2' } }));
    assert.equal(run.code, 2);
    assert.equal(usedBytes(volume.path), baseline);
  });
});
