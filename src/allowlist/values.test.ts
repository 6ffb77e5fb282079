import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalDuration,
  canonicalQuantity,
  checkBoolean,
  checkDuration,
  checkEnum,
  checkInteger,
  checkPath,
  checkPercent,
  checkQuantity,
  checkSignal,
  checkString,
  checkValue,
  type Checked,
} from './values.ts';
import { anchoredPattern } from './pattern.ts';
import { parseDuration } from '../api/units.ts';

const value = (c: Checked): unknown => (c.ok ? c.value : `refused: ${c.reason}`);
const reason = (c: Checked): string => (c.ok ? `accepted ${String(c.value)}` : c.reason);

describe('checkInteger', () => {
  it('accepts decimal safe integers within bounds', () => {
    assert.equal(value(checkInteger('0')), 0);
    assert.equal(value(checkInteger('-42')), -42);
    assert.equal(value(checkInteger('9007199254740991')), Number.MAX_SAFE_INTEGER);
    assert.equal(value(checkInteger('10000', 1, 10000)), 10000);
  });
  it('refuses other spellings with the specific reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['+5', /leading \+/],
      ['0x10', /hexadecimal/],
      ['0o7', /hexadecimal, octal/],
      ['010', /leading zeros/],
      ['-0', /write 0/],
      ['1.5', /not a whole number/],
      ['1e3', /exponent/],
      ['1e309', /exponent/],
      [' 5', /whitespace/],
      ['5 ', /whitespace/],
      ['NaN', /not an integer/],
      ['Infinity', /not an integer/],
      ['9007199254740993', /beyond the exactly representable/],
      ['5;id', /not an integer/],
    ];
    for (const [raw, re] of cases) assert.match(reason(checkInteger(raw)), re, raw);
  });
  it('names the bound that is crossed', () => {
    assert.equal(reason(checkInteger('0', 1, 10)), '0 is below the minimum 1');
    assert.equal(reason(checkInteger('11', 1, 10)), '11 is above the maximum 10');
  });
});

describe('checkPercent', () => {
  it('accepts bare whole numbers from 0 to 100 by default', () => {
    assert.equal(value(checkPercent('0')), 0);
    assert.equal(value(checkPercent('100')), 100);
    assert.match(reason(checkPercent('101')), /above the maximum 100/);
    assert.match(reason(checkPercent('-1')), /below the minimum 0/);
  });
  it('refuses a trailing % and respects narrower bounds', () => {
    assert.match(reason(checkPercent('50%')), /without the %/);
    assert.match(reason(checkPercent('96', 0, 95)), /above the maximum 95/);
  });
});

describe('checkBoolean', () => {
  it('accepts exactly true and false', () => {
    assert.equal(value(checkBoolean('true')), true);
    assert.equal(value(checkBoolean('false')), false);
    for (const bad of ['TRUE', '1', 'yes', 'on']) assert.match(reason(checkBoolean(bad)), /not true or false/);
  });
});

describe('durations', () => {
  it('canonicalises to the largest single exact unit', () => {
    assert.equal(canonicalDuration(0), '0s');
    assert.equal(canonicalDuration(90_000), '90s');
    assert.equal(canonicalDuration(60_000), '1m');
    assert.equal(canonicalDuration(5_400_000), '90m');
    assert.equal(canonicalDuration(1500), '1500ms');
    assert.equal(canonicalDuration(3_600_000), '1h');
  });
  it('falls back to the compound form past six digits, which still parses', () => {
    const ms = 999_999_999;
    assert.equal(canonicalDuration(ms), '277h46m39s999ms');
    assert.equal(parseDuration(canonicalDuration(ms)), ms);
  });
  it('checks syntax and bounds', () => {
    assert.equal(value(checkDuration('1h30m', undefined, '2h')), '90m');
    assert.match(reason(checkDuration('90m', undefined, '1h')), /^90m is above the maximum 1h$/);
    assert.match(reason(checkDuration('50ms', '100ms')), /below the minimum 100ms/);
    assert.match(reason(checkDuration('30')), /no unit/);
    assert.match(reason(checkDuration('-5s')), /negative/);
    assert.match(reason(checkDuration('1d')), /not a duration/);
    assert.match(reason(checkDuration('999999h1h')), /longer than 999999h/);
  });
});

describe('quantities', () => {
  it('canonicalises the number and keeps the suffix', () => {
    assert.equal(canonicalQuantity('007.50Mi'), '7.5Mi');
    assert.equal(canonicalQuantity('0.0'), '0');
    assert.equal(canonicalQuantity('512Mi'), '512Mi');
  });
  it('checks syntax and bounds numerically across suffixes', () => {
    assert.equal(value(checkQuantity('4Gi', undefined, '4Gi')), '4Gi');
    assert.match(reason(checkQuantity('5G', undefined, '4Gi')), /5G is above the maximum 4Gi/);
    assert.match(reason(checkQuantity('-1Mi')), /negative/);
    assert.match(reason(checkQuantity('1e3')), /not a quantity/);
    assert.match(reason(checkQuantity('1MiB')), /not a quantity/);
  });
});

describe('checkString', () => {
  it('checks length in characters and the anchored pattern', () => {
    const re = anchoredPattern('[a-z]+');
    assert.equal(value(checkString('abc', re, 3)), 'abc');
    assert.match(reason(checkString('abcd', re, 3)), /4 characters, above the maximum 3/);
    assert.match(reason(checkString('abc;rm', re)), /does not match the pattern/);
    assert.equal(value(checkString('😀😀', undefined, 2)), '😀😀');
  });
});

describe('checkEnum', () => {
  it('accepts listed values exactly and hints at case', () => {
    assert.equal(value(checkEnum('fp', ['fp', 'dwarf'])), 'fp');
    assert.match(reason(checkEnum('lbr', ['fp', 'dwarf'])), /"lbr" is not an allowed value$/);
    assert.match(reason(checkEnum('FP', ['fp', 'dwarf'])), /case-sensitive: fp/);
  });
});

describe('checkSignal', () => {
  it('accepts names with or without SIG and returns the canonical name', () => {
    assert.equal(value(checkSignal('SIGTERM')), 'SIGTERM');
    assert.equal(value(checkSignal('TERM')), 'SIGTERM');
  });
  it('refuses numbers, unknown names and names outside the values', () => {
    assert.match(reason(checkSignal('15')), /signal numbers are not accepted/);
    assert.match(reason(checkSignal('SIGSEGV')), /not a signal TOE allows/);
    assert.match(reason(checkSignal('sigterm')), /not a signal TOE allows/);
    assert.match(reason(checkSignal('KILL', ['SIGTERM'])), /SIGKILL is not allowed here/);
  });
});

describe('checkPath', () => {
  it('accepts a normal path under a root', () => {
    assert.equal(value(checkPath('/data/out', ['/data'])), '/data/out');
    assert.match(reason(checkPath('/data2/out', ['/data'])), /not under an allowed directory/);
  });
});

describe('checkValue', () => {
  it('refuses an empty value for every type', () => {
    for (const type of ['boolean', 'integer', 'string', 'enum', 'duration', 'quantity', 'percent', 'signal', 'path'] as const) {
      assert.equal(reason(checkValue({ name: 'x', flag: '--x', type, values: ['a'], roots: ['/data'] }, '')), 'the value is empty', type);
    }
  });
  it('dispatches on the type with its bounds', () => {
    assert.equal(value(checkValue({ name: 'x', flag: '--x', type: 'integer', min: 1, max: 3 }, '3')), 3);
    assert.match(reason(checkValue({ name: 'x', flag: '--x', type: 'quantity', max: '1Gi' }, '2Gi')), /above the maximum 1Gi/);
    assert.equal(value(checkValue({ name: 'x', flag: '--x', type: 'signal' }, 'HUP')), 'SIGHUP');
  });
});
