import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { characterCount, codePointName, findForbiddenCharacter, forbiddenCharacterReason } from './characters.ts';

describe('findForbiddenCharacter', () => {
  it('accepts printable ASCII, spaces and ordinary non-ASCII letters', () => {
    for (const ok of ['--freq=100', 'a b', 'café', '日本語', '😀', '/data/x', '$(id)', ';`*?[a]']) {
      assert.equal(findForbiddenCharacter(ok), undefined, ok);
    }
  });
  it('refuses C0, DEL and C1 controls', () => {
    for (const cp of [0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9b, 0x9f]) {
      const found = findForbiddenCharacter(`a${String.fromCodePoint(cp)}b`);
      assert.equal(found?.codePoint, cp, cp.toString(16));
      assert.equal(found?.position, 2);
      assert.match(found?.description ?? '', /control character/);
    }
  });
  it('refuses bidi and zero-width formatting characters', () => {
    for (const cp of [0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202e, 0x2066, 0x2069, 0x2060, 0xfeff, 0xe0001]) {
      assert.match(findForbiddenCharacter(String.fromCodePoint(cp))?.description ?? '', /formatting/, cp.toString(16));
    }
  });
  it('refuses look-alike dashes but not the ASCII hyphen-minus', () => {
    for (const cp of [0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d, 0x058a, 0x2e3a]) {
      assert.match(findForbiddenCharacter(`${String.fromCodePoint(cp)}freq`)?.description ?? '', /look-alike dash/, cp.toString(16));
    }
    assert.equal(findForbiddenCharacter('--a-b'), undefined);
  });
  it('refuses look-alike spaces, line separators and unpaired surrogates', () => {
    assert.match(findForbiddenCharacter('5\u00a0')?.description ?? '', /look-alike space/);
    assert.match(findForbiddenCharacter('\u3000')?.description ?? '', /look-alike space/);
    assert.match(findForbiddenCharacter('a\u2028b')?.description ?? '', /line or paragraph/);
    assert.match(findForbiddenCharacter('a\ud800')?.description ?? '', /unpaired surrogate/);
  });
  it('counts positions in code points', () => {
    assert.equal(findForbiddenCharacter('😀😀\u202e')?.position, 3);
  });
});

describe('character names', () => {
  it('names common characters and falls back to the code point', () => {
    assert.equal(codePointName(0), 'U+0000 (NUL)');
    assert.equal(codePointName(0x202e), 'U+202E (right-to-left override)');
    assert.equal(codePointName(0x2067), 'U+2067 (right-to-left isolate)');
    assert.equal(codePointName(0x85), 'U+0085');
  });
  it('says what is refused in the reason', () => {
    const reason = forbiddenCharacterReason(findForbiddenCharacter('a\nb')!);
    assert.match(reason, /^character 2 is U\+000A \(newline\), a control character; arguments may not contain/);
  });
  it('counts characters as code points', () => {
    assert.equal(characterCount('😀a'), 2);
    assert.equal(characterCount(''), 0);
  });
});
