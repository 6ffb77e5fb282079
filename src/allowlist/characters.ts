/**
 * Characters no argument may contain, whatever its parameter says.
 *
 * Values never pass through a shell, so `;` or `$` are harmless to the kernel; what stays dangerous is what fools a
 * human or a second parser: control characters end lines in logs and terminals (newline, CR, ESC sequences) or
 * truncate C strings (NUL); bidi and zero-width characters make a reviewer read something other than what the tool
 * gets (the "Trojan Source" attacks, CVE-2021-42574); look-alike dashes and spaces make `–freq` look like a flag
 * that it is not. Unpaired surrogates cannot be encoded in UTF-8 at all.
 */

/** Look-alike dashes outside the Unicode dash category (Pd), which is checked as a whole. */
const extraDashes = new Set([0x2212, 0x2796, 0x02d7, 0x207b, 0x208b]);

const names: Record<number, string> = {
  0x00: 'NUL',
  0x09: 'tab',
  0x0a: 'newline',
  0x0d: 'carriage return',
  0x1b: 'ESC',
  0x7f: 'DEL',
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0xfeff: 'byte order mark',
  0x2010: 'hyphen',
  0x2011: 'non-breaking hyphen',
  0x2012: 'figure dash',
  0x2013: 'en dash',
  0x2014: 'em dash',
  0x2015: 'horizontal bar',
  0x2212: 'minus sign',
  0xfe58: 'small em dash',
  0xfe63: 'small hyphen-minus',
  0xff0d: 'fullwidth hyphen-minus',
  0x00a0: 'no-break space',
  0x3000: 'ideographic space',
};

export interface ForbiddenCharacter {
  /** 1-based position in code points, as a person counts characters. */
  position: number;
  codePoint: number;
  /** "U+2013 (en dash), a look-alike dash" */
  description: string;
}

function kind(ch: string, cp: number): string | undefined {
  if (/\p{Cc}/u.test(ch)) return 'a control character';
  if (/\p{Cf}/u.test(ch)) return 'an invisible formatting (bidi or zero-width) character';
  if (/\p{Cs}/u.test(ch)) return 'an unpaired surrogate';
  if (/[\p{Zl}\p{Zp}]/u.test(ch)) return 'a line or paragraph separator';
  if (cp !== 0x20 && /\p{Zs}/u.test(ch)) return 'a look-alike space';
  if (cp !== 0x2d && (/\p{Pd}/u.test(ch) || extraDashes.has(cp))) return 'a look-alike dash';
  return undefined;
}

export function codePointName(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = names[cp];
  return name === undefined ? hex : `${hex} (${name})`;
}

/** The first character the rules above refuse, or undefined when the text is clean. */
export function findForbiddenCharacter(text: string): ForbiddenCharacter | undefined {
  let position = 0;
  for (const ch of text) {
    position += 1;
    const cp = ch.codePointAt(0) as number;
    const what = kind(ch, cp);
    if (what !== undefined) return { position, codePoint: cp, description: `${codePointName(cp)}, ${what}` };
  }
  return undefined;
}

/** The reason a text is refused for its characters, phrased to follow the quoted argument. */
export function forbiddenCharacterReason(found: ForbiddenCharacter): string {
  return (
    `character ${found.position} is ${found.description}; arguments may not contain control characters, ` +
    'invisible or bidi formatting characters, look-alike dashes or spaces'
  );
}

/** Length in code points, which is what "characters" means in every limit TOE states. */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
