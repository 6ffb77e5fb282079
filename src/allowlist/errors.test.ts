import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Parameter } from '../api/powertoolconfig.ts';
import { allowed, allowedFlags, label, quote, shown, valueError } from './errors.ts';

describe('quote', () => {
  it('keeps printable ASCII and escapes quotes and backslashes', () => {
    assert.equal(quote('--freq=5'), '"--freq=5"');
    assert.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
  });
  it('escapes everything else so it cannot reorder or hide text', () => {
    assert.equal(quote('a\u202eb'), '"a\\u202Eb"');
    assert.equal(quote('\n\u001b[31m'), '"\\u000A\\u001B[31m"');
    assert.equal(quote('ｆ'), '"\\uFF46"');
    assert.equal(quote('😀'), '"\\u{1F600}"');
  });
  it('truncates long text', () => {
    assert.equal(quote('x'.repeat(200)), `"${'x'.repeat(80)}…"`);
  });
});

describe('names in messages', () => {
  const freq: Parameter = { name: 'freq', flag: '--freq', short: '-F', type: 'integer', min: 1, max: 10000 };
  const label1: Parameter = { name: 'target', type: 'string' };
  it('names a flag by its flag and a positional by its name', () => {
    assert.equal(label(freq), '--freq');
    assert.equal(label(label1), '<target>');
  });
  it('lists the allowed flags with their short aliases', () => {
    assert.equal(allowedFlags([freq, label1]), 'allowed flags: --freq (-F)');
    assert.equal(allowedFlags([label1]), 'this tool accepts no flags');
  });
  it('shows plain flag names and quotes odd ones', () => {
    assert.equal(shown('--output'), '--output');
    assert.equal(shown('--\uff46'), '"--\\uFF46"');
  });
  it('describes what each type allows', () => {
    assert.equal(allowed(freq), 'integer, 1..10000');
    assert.equal(allowed({ name: 'n', flag: '--n', type: 'integer', min: 0 }), 'integer, at least 0');
    assert.equal(allowed({ name: 'p', flag: '--p', type: 'percent', max: 95 }), 'percent, a whole number without %, 0..95');
    assert.equal(allowed({ name: 'e', flag: '--e', type: 'enum', values: ['fp', 'dwarf'] }), 'one of fp, dwarf');
    assert.equal(allowed({ name: 'o', flag: '--o', type: 'path', roots: ['/data', '/tmp/toe'] }), 'absolute path under /data or /tmp/toe');
    assert.equal(
      allowed({ name: 's', flag: '--s', type: 'string', pattern: '[a-z]+', maxLength: 8 }),
      'string, matching ^(?:[a-z]+)$, at most 8 characters',
    );
    assert.equal(allowed({ name: 'd', flag: '--d', type: 'duration', max: '1h' }), 'duration such as 30s, 5m or 1h, at most 1h');
    assert.equal(allowed({ name: 'g', flag: '--g', type: 'signal', values: ['SIGTERM'] }), 'signal, one of SIGTERM');
    assert.equal(allowed({ name: 'v', flag: '--v', type: 'boolean' }), 'boolean: --v or --v=false');
  });
  it('builds the message from the argument, the reason and what is allowed', () => {
    assert.deepEqual(valueError('spec.tool.args[3]', '--freq=999999', '999999 is above the maximum 10000', freq), {
      path: 'spec.tool.args[3]',
      message: '"--freq=999999": 999999 is above the maximum 10000 for --freq (integer, 1..10000)',
    });
  });
});
