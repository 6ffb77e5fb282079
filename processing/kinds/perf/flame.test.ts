import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFlameTree, countNodes, diffFlame, diffTopFunctions, pruneFlame, topFunctions } from './flame.ts';
import type { Folded } from './folded.ts';

const folded = (entries: [string, number][], rootFrames = 0): Folded => ({
  stacks: new Map(entries),
  total: entries.reduce((n, [, c]) => n + c, 0),
  rootFrames,
});

describe('buildFlameTree', () => {
  it('sums widths along the stacks and records self time at the leaves', () => {
    const tree = buildFlameTree(
      folded([
        ['main;a;b', 3],
        ['main;a', 2],
        ['main;c', 5],
      ]),
    );
    assert.equal(tree.name, 'all');
    assert.equal(tree.value, 10);
    const main = tree.children[0];
    assert.equal(main?.value, 10);
    assert.deepEqual(
      main?.children.map((c) => [c.name, c.value, c.self]),
      [
        ['a', 5, 2],
        ['c', 5, 5],
      ],
    );
    assert.equal(main?.children[0]?.children[0]?.self, 3);
  });

  it('prunes frames narrower than the minimum width but keeps their samples in the parent', () => {
    const tree = buildFlameTree(
      folded([
        ['main;big', 999],
        ['main;tiny', 1],
      ]),
    );
    const pruned = pruneFlame(tree, 0.01);
    assert.deepEqual(
      pruned.children[0]?.children.map((c) => c.name),
      ['big'],
    );
    assert.equal(pruned.children[0]?.value, 1000);
    assert.equal(countNodes(pruned), 3);
  });
});

describe('topFunctions', () => {
  it('ranks by self time, counts recursion once in total, and leaves out the process root frame', () => {
    const rows = topFunctions(
      folded(
        [
          ['app;main;fib;fib;fib', 6],
          ['app;main;io', 2],
          ['app;main', 2],
        ],
        1,
      ),
    );
    assert.deepEqual(
      rows.map((r) => [r.name, r.self, r.total]),
      [
        ['fib', 6, 6],
        ['main', 2, 10],
        ['io', 2, 2],
      ],
    );
    assert.equal(rows[0]?.selfPercent, 60);
    assert.equal(rows[1]?.totalPercent, 100);
  });
});

describe('diffFlame', () => {
  it('compares shares, so a longer baseline run does not look like a regression', () => {
    const base = folded([
      ['main;a', 50],
      ['main;b', 50],
    ]);
    const cur = folded([
      ['main;a', 9],
      ['main;b', 1],
    ]);
    const tree = diffFlame(cur, base);
    const [a, b] = tree.children[0]?.children ?? [];
    assert.equal(a?.name, 'a');
    assert.ok(Math.abs((a?.delta ?? 0) - 40) < 1e-9);
    assert.ok(Math.abs((b?.delta ?? 0) + 40) < 1e-9);
    assert.equal(a?.baseline, 5);
    assert.equal(tree.delta, 0);
  });

  it('shows frames that vanished with zero width and a negative delta', () => {
    const tree = diffFlame(folded([['main;a', 1]]), folded([['main;gone', 1]]));
    const gone = tree.children[0]?.children.find((c) => c.name === 'gone');
    assert.equal(gone?.value, 0);
    assert.equal(gone?.delta, -100);
    const rows = diffTopFunctions(folded([['main;a', 1]]), folded([['main;gone', 1]]));
    assert.deepEqual(
      rows
        .map((r) => [r.name, r.deltaSelfPercent])
        .slice(0, 2)
        .sort(),
      [
        ['a', 100],
        ['gone', -100],
      ],
    );
  });
});
