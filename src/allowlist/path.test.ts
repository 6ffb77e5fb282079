import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isUnder, pathProblem, pathSyntaxProblem } from './path.ts';

describe('pathSyntaxProblem', () => {
  it('accepts normal absolute paths', () => {
    for (const ok of ['/', '/data', '/data/out.perf', '/tmp/toe/a-b_c.d', '/data/...', '/data/.hidden'])
      assert.equal(pathSyntaxProblem(ok), undefined, ok);
  });
  it('refuses what is not normal, naming the problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['data/x', /not an absolute path/],
      ['', /not an absolute path/],
      ['//etc', /empty segment/],
      ['/data//x', /empty segment/],
      ['/data/', /trailing slash/],
      ['/data/../etc', /\.\. segment/],
      ['/data/..', /\.\. segment/],
      ['/data/./x', /\. segment/],
      ['/data/%2e%2e/etc', /contains "%"/],
      ['/data/*', /contains "\*"/],
      ['/data/$HOME', /contains "\$"/],
      ['/data/a b', /contains " "/],
      ['/data/é', /contains "\\u00E9"/],
      [`/data/${'a'.repeat(256)}`, /segment .* 256 characters/],
      [`/${'a/'.repeat(2100)}a`, /above the maximum 4096/],
    ];
    for (const [text, re] of cases) assert.match(pathSyntaxProblem(text) ?? '', re, text);
  });
});

describe('isUnder', () => {
  it('compares on segment boundaries', () => {
    assert.equal(isUnder('/data', '/data'), true);
    assert.equal(isUnder('/data/x', '/data'), true);
    assert.equal(isUnder('/data2', '/data'), false);
    assert.equal(isUnder('/data2/x', '/data'), false);
    assert.equal(isUnder('/dat', '/data'), false);
    assert.equal(isUnder('/x', '/'), true);
  });
});

describe('pathProblem', () => {
  it('accepts a normal path under a root and refuses one outside every root', () => {
    assert.equal(pathProblem('/tmp/toe/out', ['/data', '/tmp/toe']), undefined);
    assert.match(pathProblem('/tmp/toe2', ['/data', '/tmp/toe']) ?? '', /not under an allowed directory/);
    assert.match(pathProblem('/proc/1/root/data', ['/data']) ?? '', /not under/);
  });
});
