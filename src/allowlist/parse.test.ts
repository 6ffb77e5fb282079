import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Parameter } from '../api/powertoolconfig.ts';
import { flagsIn, parseArgs } from './parse.ts';

const params: Parameter[] = [
  { name: 'freq', flag: '--freq', short: '-F', type: 'integer' },
  { name: 'verbose', flag: '--verbose', short: '-v', type: 'boolean' },
  { name: 'event', flag: '--event', short: '-e', type: 'enum', values: ['a'], repeatable: true },
  { name: 'first', type: 'string' },
  { name: 'rest', type: 'string', repeatable: true },
];
const parse = (args: string[]) => parseArgs(params, args, 'spec.tool.args');
const summary = (args: string[]) => parse(args).occurrences.map((o) => [o.param.name, o.raw, o.argIndex, o.valueIndex]);

describe('parseArgs', () => {
  it('reads every accepted form of a flag', () => {
    assert.deepEqual(summary(['--freq=5']), [['freq', '5', 0, 0]]);
    assert.deepEqual(summary(['--freq', '5']), [['freq', '5', 0, 1]]);
    assert.deepEqual(summary(['-F', '5']), [['freq', '5', 0, 1]]);
    assert.deepEqual(summary(['-F5']), [['freq', '5', 0, 0]]);
    assert.deepEqual(summary(['--freq=-5']), [['freq', '-5', 0, 0]]);
    assert.deepEqual(summary(['-F-5']), [['freq', '-5', 0, 0]]);
    assert.deepEqual(summary(['--freq=a=b']), [['freq', 'a=b', 0, 0]]);
  });
  it('reads booleans without consuming the next token', () => {
    assert.deepEqual(summary(['--verbose', 'x']), [
      ['verbose', 'true', 0, 0],
      ['first', 'x', 1, 1],
    ]);
    assert.deepEqual(summary(['-v']), [['verbose', 'true', 0, 0]]);
    assert.deepEqual(summary(['--verbose=false']), [['verbose', 'false', 0, 0]]);
  });
  it('assigns positionals in declaration order, the repeatable one taking the rest', () => {
    assert.deepEqual(summary(['a', '-F1', 'b', 'c']), [
      ['first', 'a', 0, 0],
      ['freq', '1', 1, 1],
      ['rest', 'b', 2, 2],
      ['rest', 'c', 3, 3],
    ]);
  });
  it('records how the user wrote each occurrence', () => {
    assert.deepEqual(
      parse(['--freq', '5', '-F6']).occurrences.map((o) => o.written),
      ['--freq 5', '-F6'],
    );
  });
  it('refuses "--", a lone "-" and an empty flag name', () => {
    assert.match(parse(['--']).errors[0]?.message ?? '', /end of options\) is not accepted/);
    assert.match(parse(['-']).errors[0]?.message ?? '', /lone "-"/);
    assert.match(parse(['--=5']).errors[0]?.message ?? '', /flag name is empty/);
  });
  it('refuses unknown flags, listing the allowed ones', () => {
    const [e] = parse(['x', '--output=/etc']).errors;
    assert.deepEqual(e, {
      path: 'spec.tool.args[1]',
      message: '"--output=/etc": unknown flag --output; allowed flags: --freq (-F), --verbose (-v), --event (-e)',
    });
    assert.match(parse(['-o/etc/shadow']).errors[0]?.message ?? '', /unknown flag -o;/);
    assert.match(parse(['--fr=5']).errors[0]?.message ?? '', /unknown flag --fr;/);
  });
  it('says a flag is fixed by the admin when defaultArgs name it', () => {
    const { errors } = parseArgs(params, ['--output=/x'], 'args', new Set(['--output']));
    assert.match(errors[0]?.message ?? '', /--output is set by the admin in defaultArgs and cannot be overridden/);
  });
  it('refuses a missing value and a separate value that starts with "-"', () => {
    assert.match(parse(['--freq']).errors[0]?.message ?? '', /--freq needs a value; write --freq=VALUE/);
    const { errors, occurrences } = parse(['-F', '--verbose']);
    assert.match(errors[0]?.message ?? '', /next argument "--verbose" starts with "-"/);
    assert.deepEqual(
      occurrences.map((o) => o.param.name),
      ['verbose'],
    );
  });
  it('refuses combined short flags and -F=value', () => {
    assert.match(parse(['-vF5']).errors[0]?.message ?? '', /short flags cannot be combined/);
    assert.match(parse(['-F=5']).errors[0]?.message ?? '', /is "=" part of the value/);
  });
  it('refuses positionals beyond those declared', () => {
    const only = parseArgs([{ name: 'a', type: 'string' }], ['x', 'y'], 'args');
    assert.deepEqual(
      only.errors.map((e) => e.path),
      ['args[1]'],
    );
    assert.match(only.errors[0]?.message ?? '', /this tool takes <a> only/);
    assert.match(parseArgs([], ['x'], 'args').errors[0]?.message ?? '', /takes no positional arguments/);
  });
});

describe('flagsIn', () => {
  it('collects long flags and short aliases from any spelling', () => {
    assert.deepEqual([...flagsIn(['record', '--freq=5', '--no-inherit', '-F5', '-a', 'x', '-', '--'])].sort(), [
      '--freq',
      '--no-inherit',
      '-F',
      '-a',
    ]);
  });
});
