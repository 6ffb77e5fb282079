import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { foldPprof } from './parse.ts';

// Real profiles of samples/apps/go-hot (`curl .../debug/pprof/profile?seconds=3` and `.../heap`).
const fixture = (name: string): URL => new URL(`../../fixtures/${name}`, import.meta.url);

/** A profile with one function per name, and samples given as leaf-first stacks of those names. */
function synthetic(samples: { stack: string[]; value: number }[]): Uint8Array {
  const strings = new StringTable();
  const names = [...new Set(samples.flatMap((s) => s.stack))];
  const fn = names.map((n, i) => new PFunction({ id: i + 1, name: strings.dedup(n), filename: strings.dedup('x.go'), startLine: 10 + i }));
  const location = names.map((_, i) => new Location({ id: i + 1, line: [new Line({ functionId: i + 1, line: 1 })] }));
  return new Profile({
    sampleType: [
      new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') }),
      new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') }),
    ],
    sample: samples.map((s) => new Sample({ locationId: s.stack.map((n) => names.indexOf(n) + 1), value: [1, s.value] })),
    location,
    function: fn,
    stringTable: strings,
  }).encode();
}

describe('foldPprof', () => {
  it('folds a real Go CPU profile root first, naming the hot path and its source', async () => {
    const p = await foldPprof(createReadStream(fixture('go-cpu.pprof')));
    assert.deepEqual([p.valueType, p.unit], ['cpu', 'nanoseconds']);
    const [hottest] = [...p.stacks].sort((a, b) => b[1] - a[1]);
    assert.equal(hottest?.[0], 'main.main.func1;main.toeGoWork;main.toeGoHotLoop');
    assert.equal(
      p.total,
      [...p.stacks.values()].reduce((a, b) => a + b, 0),
    );
    assert.equal(p.sources['main.toeGoHotLoop'], './main.go:28');
    assert.ok(p.durationSeconds > 2.9 && p.durationSeconds < 3.1, String(p.durationSeconds));
  });

  it('folds live bytes of a real heap profile, gzipped or not', async () => {
    const gz = readFileSync(fixture('go-heap.pprof'));
    for (const input of [gz, gunzipSync(gz)]) {
      const p = await foldPprof([input]);
      assert.equal(p.valueType, 'inuse_space');
      const retain = [...p.stacks].find(([s]) => s.endsWith(';main.toeGoRetain'));
      // samples/apps/go-hot keeps 64 blocks of 256 KiB live; the heap profile's sampling estimates them.
      assert.ok(retain && retain[1] > 8 << 20 && retain[1] < 24 << 20, JSON.stringify(retain));
    }
  });

  it('bounds distinct stacks and depth, counting what it cut', async () => {
    const deep = Array.from({ length: 20 }, (_, i) => `f${i}`);
    const bytes = synthetic([
      { stack: ['a', 'main'], value: 5 },
      { stack: ['b', 'main'], value: 3 },
      { stack: ['c', 'main'], value: 2 },
      { stack: deep, value: 1 },
    ]);
    const p = await foldPprof([Buffer.from(bytes)], { maxStacks: 2, maxDepth: 4 });
    assert.deepEqual(
      [...p.stacks],
      [
        ['main;a', 5],
        ['main;b', 3],
        ['[other]', 3],
      ],
    );
    assert.equal(p.otherStacks, 2);
    assert.equal(p.truncatedStacks, 1);
    assert.equal(p.total, 11);
  });

  it('refuses what is not a profile, or too large, with a message', async () => {
    await assert.rejects(foldPprof([]), /empty/);
    await assert.rejects(foldPprof([Buffer.alloc(100, 1)], { maxBytes: 10 }), /larger than 10 bytes/);
    await assert.rejects(foldPprof([Buffer.from([0x1f, 0x8b, 0, 0])]));
  });
});
