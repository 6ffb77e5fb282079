import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anchoredPattern, patternProblem } from './pattern.ts';

describe('anchoredPattern', () => {
  it('matches the whole value only', () => {
    const re = anchoredPattern('[a-z]+|[0-9]+');
    assert.equal(re.test('abc'), true);
    assert.equal(re.test('123'), true);
    assert.equal(re.test('abc;rm'), false);
    assert.equal(re.test('x123'), false);
  });
  it('compiles with the u flag, so classes see code points', () => {
    assert.equal(anchoredPattern('.').test('😀'), true);
  });
  it('refuses a pattern that only balances once wrapped', () => {
    assert.throws(() => anchoredPattern('a)|(b'));
  });
});

describe('patternProblem', () => {
  it('accepts ordinary patterns', () => {
    for (const ok of [
      '[a-z][a-z0-9_.-]{0,14}',
      '([0-9]{1,3}\\.){3}[0-9]{1,3}',
      '(?:ab)+',
      '\\p{L}+',
      '[(+*)]+',
      'a(?=b)b',
      '(?<=a)b',
      '(a|b)*',
      '\\d+(\\.\\d+)?',
    ]) {
      assert.equal(patternProblem(ok), undefined, ok);
    }
  });
  it('refuses patterns that do not compile with the u flag', () => {
    for (const bad of ['[', 'a)|(b', '\\-x{', '(?<n>a', 'a{']) assert.match(patternProblem(bad) ?? '', /does not compile/, bad);
  });
  it('refuses nested unbounded repeats', () => {
    for (const bad of ['(a+)+', '(a*)*b', '(?:\\w+\\s*)+$', '((ab)*c)+', '(a+){2,}', '(x\\p{L}+)*']) {
      assert.match(patternProblem(bad) ?? '', /catastrophic backtracking/, bad);
    }
  });
  it('refuses backreferences', () => {
    assert.match(patternProblem('(a)\\1') ?? '', /backreference/);
    assert.match(patternProblem('(?<x>a)\\k<x>') ?? '', /named backreference/);
  });
  it('refuses over-long patterns and raw control characters', () => {
    assert.match(patternProblem('a'.repeat(1025)) ?? '', /above the maximum 1024/);
    assert.match(patternProblem('a\nb') ?? '', /newline.*escape/);
  });
});
