import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Parameter } from '../api/powertoolconfig.ts';
import { flagToken, serialise } from './serialise.ts';
import type { ArgValue } from './values.ts';

const params: Parameter[] = [
  { name: 'target', type: 'string' },
  { name: 'freq', flag: '--freq', type: 'integer' },
  { name: 'verbose', flag: '--verbose', type: 'boolean' },
  { name: 'quiet', flag: '--quiet', type: 'boolean' },
  { name: 'comm', flag: '--comm', type: 'string', repeatable: true },
  { name: 'rest', type: 'string', repeatable: true },
];

describe('flagToken', () => {
  it('writes --flag=value, --flag for true and nothing for false', () => {
    assert.equal(flagToken('--freq', 5), '--freq=5');
    assert.equal(flagToken('--comm', '-o/etc/shadow'), '--comm=-o/etc/shadow');
    assert.equal(flagToken('--verbose', true), '--verbose');
    assert.equal(flagToken('--verbose', false), undefined);
  });
});

describe('serialise', () => {
  it('writes flags in declaration order, then positionals, keeping repeat order', () => {
    const values = new Map<string, ArgValue[]>([
      ['rest', ['r1', 'r2']],
      ['comm', ['b', 'a']],
      ['target', ['t']],
      ['quiet', [false]],
      ['verbose', [true]],
      ['freq', [-3]],
    ]);
    assert.deepEqual(serialise(params, values), ['--freq=-3', '--verbose', '--comm=b', '--comm=a', 't', 'r1', 'r2']);
  });
  it('writes nothing for parameters without values', () => {
    assert.deepEqual(serialise(params, new Map()), []);
  });
});
