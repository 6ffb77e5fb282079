import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { describe, it } from 'node:test';
import { kindOf } from '../index.ts';
import { pprofEvidence, GC_PCT } from './evidence.ts';
import { foldPprof } from './parse.ts';
import { gcShare, groupProfiles, lockShare, type PprofItem } from './profiles.ts';
import { renderRuntimeProfiles } from './section.ts';

const fixture = (name: string): URL => new URL(`../../fixtures/${name}`, import.meta.url);
const folded = (stacks: Record<string, number>) => ({
  stacks: new Map(Object.entries(stacks)),
  total: Object.values(stacks).reduce((a, b) => a + b, 0),
});

describe('the runtime kind', () => {
  it('reads the go tool’s CPU slices and heap profile, and nothing else', () => {
    for (const name of ['cpu-1.pprof', 'cpu-8.pprof', 'heap.pprof']) assert.equal(kindOf(name)?.name, 'runtime', name);
    assert.equal(kindOf('cpu-9.pprof'), undefined);
  });

  it('merges the CPU slices of a pod, and pods side by side under their names', async () => {
    const cpu = await foldPprof(createReadStream(fixture('go-cpu.pprof')));
    const heap = await foldPprof(createReadStream(fixture('go-heap.pprof')));
    const items: PprofItem[] = [
      { pod: 'a', type: 'cpu', profile: cpu },
      { pod: 'a', type: 'cpu', profile: cpu },
      { pod: 'b', type: 'cpu', profile: cpu },
      { pod: 'a', type: 'heap', profile: heap },
    ];
    const [c, h] = groupProfiles(items);
    assert.equal(c?.type, 'cpu');
    assert.equal(c?.folded.total, 3 * cpu.total);
    assert.deepEqual(c?.pods, ['a', 'b']);
    assert.ok([...(c?.folded.stacks.keys() ?? [])].every((s) => s.startsWith('a;') || s.startsWith('b;')));
    assert.equal(h?.folded.total, heap.total);
    const html = String(
      renderRuntimeProfiles({
        runs: [
          { runtime: 'go', profile: c! },
          { runtime: 'go', profile: h! },
        ],
      }),
    );
    assert.match(html, /main\.toeGoHotLoop/);
    assert.match(html, /\.\/main\.go:28/);
    assert.match(html, /go heap profile: [\d.]+ MiB live/);
  });

  it('measures the CPU share of GC and lock frames anywhere in a stack', () => {
    const f = folded({
      'main;work': 50,
      'main;alloc;runtime.mallocgc': 30,
      'runtime.gcBgMarkWorker;runtime.scanobject': 10,
      'main;sync.(*Mutex).lockSlow': 10,
    });
    assert.equal(gcShare(f), 40);
    assert.equal(lockShare(f), 10);
  });

  it('names hot functions with their source, and GC only above its threshold', () => {
    const slice = (gcPct: number) => [
      {
        runtime: 'go',
        type: 'cpu',
        topFunctions: [{ name: 'main.hot', selfPct: 60, totalPct: 60, source: 'main.go:3' }],
        gcPct,
        lockPct: 0,
      },
      { runtime: 'go', type: 'heap', topFunctions: [{ name: 'main.keep', selfPct: 90, totalPct: 95 }] },
    ];
    const ev = pprofEvidence(slice(GC_PCT));
    assert.deepEqual(
      ev.map((e) => [e.kind, e.source, e.data.name ?? e.data.gcPct]),
      [
        ['hot-function', 'runtime', 'main.hot'],
        ['gc-pressure', 'runtime', GC_PCT],
        ['heap-holder', 'runtime', 'main.keep'],
      ],
    );
    assert.match(ev[0]?.summary ?? '', /main\.hot \(main\.go:3\) has 60% of CPU time/);
    assert.equal(pprofEvidence(slice(GC_PCT - 1)).filter((e) => e.kind === 'gc-pressure').length, 0);
    assert.deepEqual(pprofEvidence([{ runtime: 7, topFunctions: 'x' }, null, 'junk']), []);
  });
});
