import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lib = new URL('.', import.meta.url).pathname;

/** toe_cgroup_map over /proc/<pid>/cgroup and /proc/<pid>/mountinfo texts as containers see them. */
function map(cgroup: string, mountinfo: string, controller: string, prefix = '/proc/1/root'): string {
  const dir = mkdtempSync(join(tmpdir(), 'toe-cgmap-'));
  try {
    writeFileSync(join(dir, 'cgroup'), cgroup);
    writeFileSync(join(dir, 'mountinfo'), mountinfo);
    const r = spawnSync(
      '/bin/busybox',
      [
        'sh',
        '-c',
        '. "$0/measure.sh"; toe_cgroup_map "$1" "$2" "$3" "$4"',
        lib,
        join(dir, 'cgroup'),
        join(dir, 'mountinfo'),
        prefix,
        controller,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pod = '/kubepods/burstable/pod0b8f/3f2a';
const v1Container = {
  cgroup: `4:memory:${pod}\n2:cpuacct:${pod}\n1:cpu:${pod}\n0::/\n`,
  mountinfo: [
    '700 690 0:60 / / rw,relatime - overlay overlay rw',
    `710 705 0:27 ${pod} /sys/fs/cgroup/cpuacct ro,nosuid,nodev,noexec,relatime master:12 - cgroup cgroup rw,cpuacct`,
    `711 705 0:29 ${pod} /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:14 - cgroup cgroup rw,memory`,
  ].join('\n'),
};

describe('toe_cgroup_map', { skip: existsSync('/bin/busybox') ? undefined : 'needs /bin/busybox' }, () => {
  it('maps a runc container on cgroup v1, whose own cgroup is the root of its mounts', () => {
    assert.equal(map(v1Container.cgroup, v1Container.mountinfo, 'cpuacct'), `1 ${pod} /proc/1/root/sys/fs/cgroup/cpuacct`);
    assert.equal(map(v1Container.cgroup, v1Container.mountinfo, 'memory', ''), `1 ${pod} /sys/fs/cgroup/memory`);
  });

  it('maps a host view, where mounts start at the hierarchy root', () => {
    const mi = '30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n';
    assert.equal(map(`3:cpu,cpuacct:${pod}\n`, mi, 'cpuacct', ''), `1 ${pod} /sys/fs/cgroup/cpu,cpuacct${pod}`);
  });

  it('maps cgroup v2, with and without a cgroup namespace', () => {
    const mi = '40 35 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n';
    assert.equal(map('0::/\n', mi, 'memory'), '2 / /proc/1/root/sys/fs/cgroup');
    assert.equal(map(`0::${pod}\n`, mi, 'memory'), `2 ${pod} /proc/1/root/sys/fs/cgroup${pod}`);
  });

  it('finds nothing for a controller no hierarchy has', () => {
    assert.equal(map(v1Container.cgroup, v1Container.mountinfo, 'blkio'), '');
  });
});
