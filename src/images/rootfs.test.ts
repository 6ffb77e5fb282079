import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseLdd } from './rootfs.ts';

describe('parseLdd', () => {
  it('lists resolved libraries and the loader, not the vDSO', () => {
    const out = `\tlinux-vdso.so.1 (0x00007ffd6b5f2000)
\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f1f0c5a0000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1f0c3bf000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f1f0c5d3000)
`;
    assert.deepEqual(parseLdd(out), ['/lib/x86_64-linux-gnu/libz.so.1', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });
  it("finds nothing in a static binary's answer", () => {
    assert.deepEqual(parseLdd('\tnot a dynamic executable\n'), []);
  });
});
