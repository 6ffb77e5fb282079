import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lib = import.meta.dirname;
const busybox = '/bin/busybox';

// toe_size_reached FILE MAX WHAT in the image's shell; prints the exit status and toe_message.
function reached(size: number | undefined, max: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'toe-size-'));
  try {
    const file = join(dir, 'out');
    if (size !== undefined) writeFileSync(file, Buffer.alloc(size));
    const script = `toe_lib=${lib}; . "$toe_lib/toe.sh"; toe_size_reached "$1" "$2" "the trace"; echo "$? $toe_message"`;
    const r = spawnSync(busybox, ['sh', '-c', script, 'sh', file, String(max)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('toe_size_reached', { skip: existsSync(busybox) ? undefined : `needs ${busybox}` }, () => {
  it('is false below the maximum and says nothing', () => assert.equal(reached(1048575, 1048576), '1'));
  it('is true at the maximum and says what reached it', () =>
    assert.equal(reached(1048576, 1048576), '0 the trace reached --max-size=1Mi and was stopped'));
  it('is true past the maximum', () => assert.match(reached(1048577, 1048576), /^0 /));
  it('is false for a file not written yet', () => assert.equal(reached(undefined, 1048576), '1'));
});
