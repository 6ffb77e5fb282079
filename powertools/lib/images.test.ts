import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cannotRun, runTool, Target, type Run } from '../../test/tools/sandbox.ts';
import { buildToolRootfs } from '../../test/tools/image-rootfs.ts';
import { logArtifacts, tmpfsVolume } from '../../test/tools/outputs.ts';
import { buildHotApp, privateBinaryCommand } from '../../test/tools/hot-app.ts';
import { PodCgroups } from '../../test/tools/cgroups.ts';

// Each tool run inside its image's filesystem as image.yaml builds it (busybox + the listed binaries and their
// libraries + the files): proves the image holds everything the entrypoint calls. A short run per tool.
const tools = ['cpu', 'memory', 'fill-volume', 'io', 'signal', 'strace', 'tcpdump', 'perf', 'network'];
const skip = tools.map((t) => cannotRun(t)).find((why) => why !== undefined);

async function inImage(
  tool: string,
  target: Target,
  args: string[],
  env: Record<string, string> = {},
  cgroupProcs?: string[],
): Promise<Run> {
  const image = await buildToolRootfs(tool);
  try {
    return await runTool(tool, {
      target,
      args,
      cgroupProcs,
      rootfs: image.root,
      env: { TOE_DURATION_SECONDS: '3', TOE_OUTPUT_MODE: 'logs', ...env },
    });
  } finally {
    await image.remove();
  }
}

describe('tool images', { skip }, () => {
  let busy: Target;
  before(async () => {
    busy = await Target.start([
      '/bin/sh',
      '-c',
      'while :; do cat /etc/hostname > /dev/null; echo x | /bin/busybox nc -w 1 127.0.0.1 8080; sleep 0.2; done',
    ]);
  });
  after(async () => {
    await busy?.stop();
  });

  it('cpu and memory run stress-ng and read the cgroups', async () => {
    const pod = new PodCgroups();
    const target = await Target.start(['/bin/sleep', '600'], pod.procs('target'));
    try {
      let run = await inImage('cpu', target, ['--workers=1', '--load=20'], {}, pod.procs('tool'));
      assert.equal(run.result?.exitReason, 'Completed', run.stdout + run.stderr);
      assert.ok((run.result?.effect.toolCpuMillicores as number) > 0, JSON.stringify(run.result?.effect));
      assert.equal(typeof run.result?.effect.targetCpuMillicores, 'number');
      run = await inImage('memory', target, ['--bytes=16Mi'], {}, pod.procs('tool'));
      assert.equal(run.result?.exitReason, 'Completed', run.stdout + run.stderr);
      assert.ok((run.result?.effect.heldBytes as number) > 8 * 1024 * 1024, JSON.stringify(run.result?.effect));
    } finally {
      await target.stop();
      pod.remove();
    }
  });

  it('fill-volume fills the volume mounted at /toe/volume', async () => {
    const volume = tmpfsVolume('32m');
    try {
      const run = await inImage('fill-volume', busy, ['--percent=50'], { TOE_VOLUME_PATH: volume.path });
      assert.equal(run.result?.exitReason, 'Completed', run.stdout + run.stderr);
      assert.equal(run.result?.effect.method, 'fallocate');
      assert.equal(run.result?.effect.peakPercent, 50);
    } finally {
      volume.remove();
    }
  });

  it('io runs stress-ng on the volume and locks its folder (flock)', async () => {
    const volume = tmpfsVolume('32m');
    try {
      const run = await inImage('io', busy, ['--bytes=4Mi'], { TOE_VOLUME_PATH: volume.path });
      assert.equal(run.result?.exitReason, 'Completed', run.stdout + run.stderr);
      assert.ok((run.result?.effect.writtenBytes as number) > 0, JSON.stringify(run.result?.effect));
    } finally {
      volume.remove();
    }
  });

  it('signal checks deliverability', async () => {
    const run = await inImage('signal', busy, ['--signal=SIGKILL']);
    assert.equal(run.result?.exitReason, 'SignalNotDeliverable', run.stdout + run.stderr);
  });

  it('network adds and removes its iptables rules', async () => {
    const run = await inImage('network', busy, ['--mode=partition', '--cidrs=10.1.2.3/32', '--ports=80,443', '--direction=both']);
    assert.equal(run.result?.exitReason, 'Completed', run.stdout + run.stderr);
    assert.equal(run.result?.effect.undone, true, JSON.stringify(run.result));
  });

  it('strace and tcpdump trace and capture', async () => {
    let run = await inImage('strace', busy, ['--mode=trace', '--syscalls=file']);
    assert.equal(run.result?.exitReason, 'Completed', run.stdout + run.stderr);
    assert.match(logArtifacts(run.stdout).get('strace.trace')?.text ?? '', /openat/);
    run = await inImage('tcpdump', busy, ['--interface=lo', '--port=8080']);
    assert.equal(run.result?.exitReason, 'Completed', run.stdout + run.stderr);
    assert.ok((run.result?.effect.packets as number) > 0, JSON.stringify(run.result));
  });

  it('perf profiles a program and names its functions', async () => {
    const app = buildHotApp();
    if (!app) return;
    const { cmd, comm } = privateBinaryCommand(app);
    const target = await Target.start(cmd, [], comm);
    try {
      const run = await inImage('perf', target, [], { TOE_DURATION_SECONDS: '4', PERF_SLICE_SECONDS: '2' });
      assert.equal(run.result?.exitReason, 'Completed', run.stdout + run.stderr);
      assert.match(logArtifacts(run.stdout).get('perf.script')?.text ?? '', /toe_demo_work/);
    } finally {
      await target.stop();
    }
  });
});
