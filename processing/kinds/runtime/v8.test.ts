import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { foldCpuProfile, foldHeapProfile } from './v8.ts';

const frame = (functionName: string, lineNumber = 0) => ({ functionName, url: 'file:///app/app.mjs', lineNumber });

// A V8 CPU profile of 100 ms at 1 ms per hit: 70 hits idle, 20 in hot (via main), 10 in the garbage collector.
const cpu = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)' }, hitCount: 0, children: [2, 3, 5] },
    { id: 2, callFrame: { functionName: '(idle)' }, hitCount: 70 },
    { id: 3, callFrame: frame('main', 4), hitCount: 0, children: [4] },
    { id: 4, callFrame: frame('hot', 11), hitCount: 20 },
    { id: 5, callFrame: { functionName: '(garbage collector)' }, hitCount: 10 },
  ],
  startTime: 0,
  endTime: 100_000,
  samples: new Array(100).fill(2),
};

describe('V8 profiles', () => {
  it('folds a CPU profile root first with 1-based source lines, leaving out (idle), which is off the CPU', async () => {
    const p = await foldCpuProfile([JSON.stringify(cpu)]);
    assert.deepEqual(Object.fromEntries(p.stacks), { 'main;hot': 20e6, '(garbage collector)': 10e6 });
    assert.equal(p.total, 30e6);
    assert.equal(p.unit, 'nanoseconds');
    assert.equal(p.samples, 100);
    assert.equal(p.durationSeconds, 0.1);
    assert.deepEqual(p.sources, { main: '/app/app.mjs:5', hot: '/app/app.mjs:12' });
  });

  it('folds a sampling heap profile by allocation stack', async () => {
    const heap = {
      head: { callFrame: frame('(root)'), selfSize: 0, children: [{ callFrame: frame('retain', 23), selfSize: 4096, children: [] }] },
    };
    const p = await foldHeapProfile([JSON.stringify(heap)]);
    assert.deepEqual(Object.fromEntries(p.stacks), { retain: 4096 });
    assert.equal(p.unit, 'bytes');
  });

  it('refuses what is not a profile, and input over the bound', async () => {
    await assert.rejects(foldCpuProfile(['{}']), /no nodes/);
    await assert.rejects(foldHeapProfile(['[]']), /no head/);
    await assert.rejects(foldCpuProfile([JSON.stringify(cpu)], { maxBytes: 100 }), /larger than 100 bytes/);
    await assert.rejects(foldCpuProfile(['']), /empty/);
  });
});
