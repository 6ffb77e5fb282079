import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mountsUnder, parseMountinfo } from './mounts.ts';

const info = `26 1 254:0 / / rw,relatime - ext4 /dev/vda rw
90 26 254:0 /var/lib/toe /var/lib/toe rw,relatime shared:50 - ext4 /dev/vda rw
91 90 0:60 / /var/lib/toe/kubelet/pods/x/volumes/kubernetes.io~projected/kube-api-access-1 rw shared:51 - tmpfs tmpfs rw
92 90 0:61 / /var/lib/toe/run/containerd/io.containerd.grpc.v1.cri/sandboxes/a/shm rw shared:52 - tmpfs shm rw
93 26 0:62 / /var/lib/toe-other rw - tmpfs tmpfs rw
94 26 0:63 / /mnt/with\\040space rw - tmpfs tmpfs rw
`;

describe('mounts', () => {
  it('parses mount points and their propagation tags', () => {
    const m = parseMountinfo(info);
    assert.equal(m[1]?.mountPoint, '/var/lib/toe');
    assert.equal(m[1]?.optional, 'shared:50');
    assert.equal(m[0]?.optional, '');
    assert.equal(m[5]?.mountPoint, '/mnt/with space');
  });
  it('lists mounts under a root deepest first, and not a sibling that shares the prefix', () => {
    assert.deepEqual(mountsUnder(parseMountinfo(info), ['/var/lib/toe']), [
      '/var/lib/toe/run/containerd/io.containerd.grpc.v1.cri/sandboxes/a/shm',
      '/var/lib/toe/kubelet/pods/x/volumes/kubernetes.io~projected/kube-api-access-1',
      '/var/lib/toe',
    ]);
  });
});
