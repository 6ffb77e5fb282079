import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetStatus } from '../../src/api/index.ts';
import { GATHER_LIMITS } from './limits.ts';
import { spoolLogArtifacts } from './log-artifacts.ts';

describe('GATHER_LIMITS', () => {
  it('cannot be changed by one caller for the others', () => {
    assert.throws(() => {
      (GATHER_LIMITS as { maxEvents: number }).maxEvents = 1;
    }, TypeError);
  });

  it('lists more Events than it keeps, so the cap and not the page decides what is dropped', () => {
    assert.ok(GATHER_LIMITS.listEvents >= GATHER_LIMITS.maxEvents);
  });

  it('keeps from a log as many artifacts as a target status may declare, and no more', async () => {
    const declared = Array.from({ length: GATHER_LIMITS.maxArtifacts }, (_, i) => ({ name: `a${i}.txt`, bytes: 2, partial: false }));
    assert.equal(targetStatus.shape.artifacts.safeParse(declared).success, true);
    assert.equal(targetStatus.shape.artifacts.safeParse([...declared, { name: 'extra', bytes: 0, partial: false }]).success, false);

    const names = [...declared.map((d) => d.name), 'one-too-many.txt'];
    const log = names.map((n) => `TOE-ARTIFACT-BEGIN ${n}\nx\nTOE-ARTIFACT-END ${n} 1 false\n`).join('');
    const dir = await mkdtemp(join(tmpdir(), 'toe-limits-'));
    try {
      const out = await spoolLogArtifacts([log], dir, GATHER_LIMITS);
      assert.deepEqual(
        out.map((a) => a.name),
        names.slice(0, GATHER_LIMITS.maxArtifacts),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
