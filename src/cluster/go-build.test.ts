import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildOnce } from './go-build.ts';

const dir = mkdtempSync(join(tmpdir(), 'toe-build-once-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('buildOnce', () => {
  it('builds once when two builders want the same output at the same time; the second waits and finds it', async () => {
    const out = join(dir, 'a', 'prog');
    let builds = 0;
    const build = async (): Promise<void> => {
      builds += 1;
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(out, 'binary');
    };
    await Promise.all([buildOnce(join(dir, 'a'), [out], build), buildOnce(join(dir, 'a'), [out], build)]);
    assert.equal(builds, 1);
    assert.equal(existsSync(out), true);
    assert.equal(existsSync(join(dir, 'a', '.build.lock')), false, 'the lock is released');
  });

  it('does not build what exists, and releases the lock when a build fails so the next one can try', async () => {
    const out = join(dir, 'b', 'prog');
    await assert.rejects(
      buildOnce(join(dir, 'b'), [out], async () => Promise.reject(new Error('go: module lookup disabled'))),
      /module lookup disabled/,
    );
    await buildOnce(join(dir, 'b'), [out], async () => writeFileSync(out, 'binary'));
    let again = 0;
    await buildOnce(join(dir, 'b'), [out], async () => void (again += 1));
    assert.equal(again, 0);
  });
});
