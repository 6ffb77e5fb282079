import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tmpfsVolume } from '../../test/tools/outputs.ts';
import { cannotRun, runTool, Target, type RunOptions } from '../../test/tools/sandbox.ts';

const usedBytes = (path: string): number => {
  const s = statfsSync(path);
  return (s.blocks - s.bfree) * s.bsize;
};

/** Every file and folder under `dir`, relative to it, with regular files marked. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => `${join(e.parentPath, e.name).slice(dir.length + 1)}${e.isFile() ? ' (file)' : ''}`)
    .sort();
}

/** An ext4 volume on a loop device of its own: the device's stat counts exactly what reaches this volume. */
function loopVolume(): { path: string; sectorsWritten: () => number; remove: () => void } {
  const work = mkdtempSync(join(tmpdir(), 'toe-io-loop-'));
  const img = join(work, 'volume.img');
  const path = join(work, 'mnt');
  const sh = (cmd: string, ...args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  sh('truncate', '-s', '128M', img);
  sh('mkfs.ext4', '-q', '-F', img);
  sh('mkdir', path);
  sh('mount', '-o', 'loop', img, path);
  const dev = sh('findmnt', '-n', '-o', 'SOURCE', path).replace('/dev/', '');
  return {
    path,
    // /sys/block/<dev>/stat: the 7th field is sectors written (512 bytes each, whatever the device's block size).
    sectorsWritten: () => Number(readFileSync(`/sys/block/${dev}/stat`, 'utf8').trim().split(/\s+/)[6]),
    remove: () => {
      spawnSync('umount', [path]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

describe('io entrypoint', { skip: cannotRun('io', ['/usr/sbin/mkfs.ext4', '/usr/sbin/losetup']) }, () => {
  let target: Target;
  let tmpfs: { path: string; remove: () => void };
  let disk: ReturnType<typeof loopVolume>;
  before(async () => {
    target = await Target.start(['/bin/sleep', '600']);
    tmpfs = tmpfsVolume('64m');
    disk = loopVolume();
  });
  after(async () => {
    await target?.stop();
    tmpfs?.remove();
    disk?.remove();
  });

  const run = (volume: string, opts: Omit<RunOptions, 'target'> & { target?: Target }) =>
    runTool('io', { target, ...opts, env: { TOE_VOLUME_PATH: volume, TOE_OUTPUT_MODE: 'logs', ...opts.env } });

  it("writes to the volume's device for the duration (measured at the device), then leaves nothing behind", async () => {
    const baseline = usedBytes(disk.path);
    const before = disk.sectorsWritten();
    let duringUsed = 0;
    const probe = setTimeout(() => (duringUsed = usedBytes(disk.path)), 3000);
    const r = await run(disk.path, { args: ['--mode=hdd', '--workers=2', '--bytes=32Mi'], env: { TOE_DURATION_SECONDS: '4' } });
    clearTimeout(probe);
    const writtenBytes = (disk.sectorsWritten() - before) * 512;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.result?.exitReason, 'Completed', r.stdout);
    assert.equal(r.result?.effect.method, 'direct');
    // O_DIRECT: the writes reach the device, not only the page cache; more than the files' size, as hdd rewrites them.
    assert.ok(writtenBytes > 32 * 1024 * 1024, `device wrote ${writtenBytes} B`);
    assert.ok(duringUsed > baseline, `during: ${duringUsed} B used, baseline ${baseline} B`);
    assert.ok((r.result?.effect.writtenBytes as number) > 0, JSON.stringify(r.result?.effect));
    assert.equal(usedBytes(disk.path), baseline);
    assert.deepEqual(tree(disk.path), ['lost+found']);
  });

  it('runs the iomix stressor, with samples every second', async () => {
    const baseline = usedBytes(tmpfs.path);
    const r = await run(tmpfs.path, { args: ['--mode=iomix', '--bytes=8Mi'], env: { TOE_DURATION_SECONDS: '4' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.result?.effect.mode, 'iomix');
    const samples = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{"t":'))
      .map((l) => JSON.parse(l) as Record<string, number>);
    assert.ok(samples.length >= 3, r.stdout);
    assert.ok(
      samples.some((s) => (s.toolWriteBytesPerSecond ?? 0) > 1024 * 1024),
      JSON.stringify(samples),
    );
    assert.equal(usedBytes(tmpfs.path), baseline);
    assert.deepEqual(tree(tmpfs.path), []);
  });

  it('removes its files when stopped (SIGTERM)', async () => {
    const baseline = usedBytes(disk.path);
    const r = await run(disk.path, { env: { TOE_DURATION_SECONDS: '60' }, signal: { name: 'SIGTERM', afterMs: 3000 } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.result?.exitReason, 'Stopped');
    assert.equal(r.result?.partial, true);
    assert.equal(usedBytes(disk.path), baseline);
    assert.deepEqual(tree(disk.path), ['lost+found']);
  });

  it('leaves no data when everything is SIGKILLed, and the next run removes the empty folders', async () => {
    // The target's PID 1 exits: the kernel SIGKILLs every process of its PID namespace, the tool's included.
    const doomed = await Target.start(['/bin/sleep', '600']);
    const baseline = usedBytes(disk.path);
    let duringUsed = 0;
    // Killed once its files hold 16 MiB (however long a busy host takes to write them), or after 40 s.
    const started = Date.now();
    const watch = setInterval(() => {
      duringUsed = usedBytes(disk.path);
      if (duringUsed > baseline + 16 * 1024 * 1024 || Date.now() - started > 40_000) {
        clearInterval(watch);
        process.kill(doomed.hostPid, 'SIGKILL');
      }
    }, 200);
    const r = await run(disk.path, { target: doomed, args: ['--bytes=32Mi'], env: { TOE_DURATION_SECONDS: '60' } });
    clearInterval(watch);
    await doomed.stop();
    assert.equal(r.result, undefined, 'killed before it could say anything');
    assert.ok(duringUsed > baseline + 16 * 1024 * 1024, `during: ${duringUsed} B, baseline ${baseline} B`);
    // Only empty folders are left (a block each): the data went with the last descriptor.
    const left = tree(disk.path).filter((p) => p !== 'lost+found');
    assert.ok(left.length > 0 && left.every((p) => !p.endsWith('(file)')), `left: ${left.join(', ')}`);
    assert.ok(usedBytes(disk.path) <= baseline + 4096 * left.length, `after: ${usedBytes(disk.path)} B, baseline ${baseline} B`);
    const next = await run(disk.path, { env: { TOE_DURATION_SECONDS: '2' } });
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(tree(disk.path), ['lost+found']);
    assert.equal(usedBytes(disk.path), baseline);
  });

  it('refuses bytes that would not leave the margin free, and an unknown mode, before doing anything', async () => {
    let r = await run(tmpfs.path, { args: ['--bytes=60Mi'], env: { TOE_DURATION_SECONDS: '2' } });
    assert.equal(r.code, 2);
    assert.match(r.result?.message ?? '', /^refused: --bytes=60Mi does not fit in .*64Mi free, and 8Mi must stay free/);
    r = await run(tmpfs.path, { args: ['--mode=rm'], env: { TOE_DURATION_SECONDS: '2' } });
    assert.equal(r.code, 2);
    assert.match(r.result?.message ?? '', /--mode: "?rm"? is not allowed; allowed: hdd iomix/);
    assert.deepEqual(tree(tmpfs.path), []);
  });
});
