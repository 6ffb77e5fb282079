import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { powerToolConfigSpec, type Parameter } from '../api/powertoolconfig.ts';
import { checkConfig, type AllowlistSpec } from './config.ts';
import { perfConfig } from './testdata/perf.ts';

const spec = (parameters: Parameter[], defaultArgs: string[] = []): AllowlistSpec => ({
  parameters,
  defaultArgs,
  limits: { maxArgs: 32, maxArgLength: 256, maxDuration: '1h', defaultDuration: '30s' },
});
/** The errors for one parameter, as "path: message" lines. */
const errorsFor = (p: Parameter, defaultArgs: string[] = []): string[] =>
  checkConfig(spec([p], defaultArgs)).map((e) => `${e.path}: ${e.message}`);
const only = (p: Parameter, re: RegExp, defaultArgs: string[] = []): void => {
  const errors = errorsFor(p, defaultArgs);
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0] as string, re);
};

describe('checkConfig', () => {
  it('accepts the sample perf config', () => {
    assert.deepEqual(checkConfig(perfConfig), []);
  });
  it('accepts a config with no parameters', () => {
    assert.deepEqual(checkConfig(powerToolConfigSpec.parse({ tool: { name: 'x', kind: 'fault' }, image: 'x', command: ['/x'] })), []);
  });
  it('refuses patterns that do not compile or can backtrack without end', () => {
    only({ name: 's', flag: '--s', type: 'string', pattern: '[a-' }, /^spec\.parameters\[0\]\.pattern: the pattern does not compile/);
    only({ name: 's', flag: '--s', type: 'string', pattern: '(a+)+' }, /pattern: the pattern is refused: .*catastrophic/);
    only({ name: 's', flag: '--s', type: 'string', pattern: 'x'.repeat(1025) }, /above the maximum 1024/);
  });
  it('refuses defaults that fail their own parameter', () => {
    only(
      { name: 'f', flag: '--f', type: 'integer', min: 1, max: 10, default: '11' },
      /^spec\.parameters\[0\]\.default: "11": 11 is above the maximum 10; the default must pass/,
    );
    only({ name: 's', flag: '--s', type: 'string', pattern: '[a-z]+', default: 'A' }, /default: "A": "A" does not match/);
    only({ name: 'o', flag: '--o', type: 'path', roots: ['/data'], default: '/etc' }, /default: "\/etc": "\/etc" is not under/);
    only({ name: 's', flag: '--s', type: 'string', default: 'a\u202eb' }, /default: "a\\u202Eb": character 2 is U\+202E/);
    only({ name: 's', type: 'string', default: '-x' }, /starts with "-", so it would read as a flag/);
  });
  it('refuses bounds out of order or of the wrong kind', () => {
    only({ name: 'f', flag: '--f', type: 'integer', min: 10, max: 1 }, /\.min: min 10 is above max 1/);
    only({ name: 'd', flag: '--d', type: 'duration', min: '1h', max: '1m' }, /min "1h" is above max "1m"/);
    only({ name: 'f', flag: '--f', type: 'integer', max: '10' }, /\.max: "10" must be an integer for a integer parameter/);
    only({ name: 'd', flag: '--d', type: 'duration', max: 60 }, /\.max: 60 must be a duration string such as "30s"/);
    only({ name: 'q', flag: '--q', type: 'quantity', max: '4GB' }, /\.max: "4GB" must be a quantity string/);
    only({ name: 'p', flag: '--p', type: 'percent', max: 150 }, /within 0\.\.100/);
    only(
      { name: 's', flag: '--s', type: 'string', max: 5 },
      /\.max: max applies to integer, percent, duration and quantity parameters only; for a string use maxLength/,
    );
    only({ name: 'e', flag: '--e', type: 'enum', values: ['a'], min: 1 }, /\.min: min applies to/);
  });
  it('refuses fields that do not apply to the type', () => {
    only(
      { name: 'f', flag: '--f', type: 'integer', pattern: '[0-9]+' },
      /\.pattern: pattern applies to string parameters only, not integer/,
    );
    only({ name: 'f', flag: '--f', type: 'integer', roots: ['/data'] }, /\.roots: roots applies to path/);
    only({ name: 'f', flag: '--f', type: 'string', values: ['a'] }, /\.values: values applies to enum and signal/);
    only({ name: 'f', type: 'integer', short: '-f' }, /\.short: a short alias needs a long flag/);
  });
  it('refuses an enum without values and bad values', () => {
    only({ name: 'e', flag: '--e', type: 'enum' }, /needs at least one value/);
    only({ name: 'e', flag: '--e', type: 'enum', values: [] }, /needs at least one value/);
    only({ name: 'e', flag: '--e', type: 'enum', values: ['a', 'a'] }, /values\[1\]: "a" is listed twice/);
    only({ name: 'e', flag: '--e', type: 'enum', values: ['a\n'] }, /values\[0\]: .*newline/);
    only({ name: 'e', type: 'enum', values: ['-a'] }, /could not be passed as a positional/);
  });
  it('refuses signal values outside the signal names', () => {
    only({ name: 's', flag: '--s', type: 'signal', values: ['SIGSEGV'] }, /values\[0\]: "SIGSEGV" is not one of SIGTERM/);
    only({ name: 's', flag: '--s', type: 'signal', values: ['TERM'] }, /"TERM" is not one of/);
  });
  it('refuses a path without roots or with roots that are not normal', () => {
    only({ name: 'o', flag: '--o', type: 'path' }, /\.roots: a path parameter needs at least one root/);
    only({ name: 'o', flag: '--o', type: 'path', roots: ['data'] }, /roots\[0\]: "data" is not an absolute path/);
    only({ name: 'o', flag: '--o', type: 'path', roots: ['/data/'] }, /trailing slash/);
    only({ name: 'o', flag: '--o', type: 'path', roots: ['/data/../etc'] }, /\.\. segment/);
    only({ name: 'o', flag: '--o', type: 'path', roots: ['/'] }, /would allow every path/);
  });
  it('refuses booleans that could not round-trip', () => {
    only({ name: 'b', type: 'boolean' }, /a boolean parameter needs a flag/);
    only({ name: 'b', flag: '--b', type: 'boolean', required: true }, /cannot be required/);
    only({ name: 'b', flag: '--b', type: 'boolean', repeatable: true }, /cannot be repeatable/);
    only({ name: 'b', flag: '--b', type: 'boolean', default: 'true' }, /cannot default to true/);
    assert.deepEqual(errorsFor({ name: 'b', flag: '--b', type: 'boolean', default: 'false' }), []);
  });
  it('refuses a required parameter with a default', () => {
    only({ name: 'f', flag: '--f', type: 'integer', required: true, default: '1' }, /never uses its default/);
  });
  it('refuses colliding names, flags and short aliases', () => {
    const errors = checkConfig(
      spec([
        { name: 'a', flag: '--a', short: '-a', type: 'integer' },
        { name: 'a', flag: '--b', short: '-a', type: 'integer' },
        { name: 'c', flag: '--a', type: 'integer' },
      ]),
    ).map((e) => `${e.path}: ${e.message}`);
    assert.deepEqual(errors, [
      'spec.parameters[1].name: a is already used by parameters[0] (a)',
      'spec.parameters[2].flag: --a is already used by parameters[0] (a)',
      'spec.parameters[1].short: -a is already used by parameters[0] (a)',
    ]);
  });
  it('refuses positionals that would not re-parse in declaration order', () => {
    const errors = checkConfig(
      spec([
        { name: 'opt', type: 'string' },
        { name: 'req', type: 'string', required: true },
      ]),
    );
    assert.match(errors[0]?.message ?? '', /req is required or has a default, so it must come before the optional positional opt/);
    const rep = checkConfig(
      spec([
        { name: 'many', type: 'string', repeatable: true },
        { name: 'last', type: 'string' },
      ]),
    );
    assert.deepEqual(
      rep.map((e) => e.path),
      ['spec.parameters[0].repeatable'],
    );
  });
  it('refuses defaultArgs with hidden characters, "--" or a flag users are offered', () => {
    const errors = checkConfig(
      spec([{ name: 'f', flag: '--freq', short: '-F', type: 'integer' }], ['record', '-F99', 'a\u202eb', '--']),
    ).map((e) => `${e.path}: ${e.message}`);
    assert.deepEqual(errors, [
      'spec.defaultArgs[2]: "a\\u202Eb": character 2 is U+202E (right-to-left override), an invisible formatting (bidi or zero-width) character; arguments may not contain control characters, invisible or bidi formatting characters, look-alike dashes or spaces',
      'spec.defaultArgs[3]: "--" would make the tool read every user argument after it as an operand, not an option',
      'spec.parameters[0].short: -F is already in defaultArgs, so users could never set it; remove the parameter or the default argument',
    ]);
  });
  it('puts paths under the given spec path', () => {
    const [e] = checkConfig(spec([{ name: 'e', flag: '--e', type: 'enum' }]), 'ptc.spec');
    assert.equal(e?.path, 'ptc.spec.parameters[0].values');
  });
});
