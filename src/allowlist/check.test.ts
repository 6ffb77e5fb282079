import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { powerToolConfigSpec } from '../api/powertoolconfig.ts';
import { admitArgs, type AdmitResult } from './index.ts';
import { perfConfig, perfConfigInput } from './testdata/perf.ts';

const admitted = (r: AdmitResult) => {
  if (!r.ok) assert.fail(`refused: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return r.admitted;
};
const refused = (r: AdmitResult) => {
  if (r.ok) assert.fail(`admitted: ${JSON.stringify(r.admitted.argv)}`);
  return r.errors;
};
const withConfig = (patch: Record<string, unknown>) => powerToolConfigSpec.parse({ ...perfConfigInput, ...patch });

describe('admitArgs', () => {
  it('puts defaultArgs first, then the canonical user args, with defaults applied', () => {
    const a = admitted(admitArgs(perfConfig, ['run1', '-gdwarf', '-e', 'cpu-clock', '--event=task-clock', '-v', '-o', '/data/out']));
    assert.deepEqual(a.argv, [
      'record',
      '--no-inherit',
      '--freq=99',
      '--call-graph=dwarf',
      '--event=cpu-clock',
      '--event=task-clock',
      '--verbose',
      '--output=/data/out',
      'run1',
    ]);
    assert.deepEqual(a.userArgv, [
      '--call-graph=dwarf',
      '--event=cpu-clock',
      '--event=task-clock',
      '--verbose',
      '--output=/data/out',
      'run1',
    ]);
    assert.deepEqual(a.values, {
      freq: [99],
      callGraph: ['dwarf'],
      event: ['cpu-clock', 'task-clock'],
      verbose: [true],
      output: ['/data/out'],
      label: ['run1'],
    });
  });
  it('gives an unset boolean the value false and passes nothing for it', () => {
    const a = admitted(admitArgs(perfConfig, ['--verbose=false']));
    assert.deepEqual(a.values.verbose, [false]);
    assert.deepEqual(a.userArgv, []);
    assert.deepEqual(admitted(admitArgs(perfConfig, [])).values, { freq: [99], verbose: [false] });
  });
  it('re-serialises canonical values, not what the user typed', () => {
    const a = admitted(admitArgs(perfConfig, ['-F', '250', '-d1h', '--stop-signal=TERM', '--mmap-size=0512.50Mi', '--cpu-share', '95']));
    assert.deepEqual(a.userArgv, ['--freq=250', '--stop-signal=SIGTERM', '--interval=1h', '--mmap-size=512.5Mi', '--cpu-share=95']);
    assert.deepEqual(a.values.interval, ['1h']);
  });
  it('accepts a path segment that starts with "-", since the path is written --output=/data/-rf', () => {
    assert.deepEqual(admitted(admitArgs(perfConfig, ['-o', '/data/-rf'])).userArgv, ['--output=/data/-rf']);
  });
  it('keeps a value that starts with "-" unambiguous', () => {
    const config = powerToolConfigSpec.parse({
      ...perfConfigInput,
      parameters: [{ name: 'offset', flag: '--offset', short: '-O', type: 'integer', min: -100, max: 100 }],
    });
    assert.deepEqual(admitted(admitArgs(config, ['-O-5'])).userArgv, ['--offset=-5']);
    assert.deepEqual(admitted(admitArgs(config, ['--offset=-5'])).values, { offset: [-5] });
    assert.match(refused(admitArgs(config, ['--offset', '-5']))[0]?.message ?? '', /write --offset=VALUE/);
  });
  it('reports every value error at once, in argument order', () => {
    const errors = refused(admitArgs(perfConfig, ['--freq=0', '--call-graph=lbr', '--output=/etc']));
    assert.deepEqual(
      errors.map((e) => e.path),
      ['spec.tool.args[0]', 'spec.tool.args[1]', 'spec.tool.args[2]'],
    );
  });
  it('points a value error at the token that holds the value', () => {
    const [e] = refused(admitArgs(perfConfig, ['-v', '--freq', '0']));
    assert.deepEqual(e, { path: 'spec.tool.args[2]', message: '"--freq 0": 0 is below the minimum 1 for --freq (integer, 1..10000)' });
  });
  it('refuses a second occurrence of a single parameter, naming the first', () => {
    const [e] = refused(admitArgs(perfConfig, ['-F1', '--freq=2']));
    assert.deepEqual(e, {
      path: 'spec.tool.args[1]',
      message: '"--freq=2": --freq was already given as "-F1" (spec.tool.args[0]); it may appear once',
    });
  });
  it('refuses a missing required parameter at the args path', () => {
    const config = withConfig({
      parameters: [{ name: 'pid', flag: '--pid', type: 'integer', min: 1, required: true, description: 'The process to watch.' }],
    });
    assert.deepEqual(refused(admitArgs(config, [], 'spec.tool.args')), [
      { path: 'spec.tool.args', message: '--pid is required: integer, at least 1 (The process to watch.)' },
    ]);
    const positional = withConfig({ parameters: [{ name: 'target', type: 'string', required: true }] });
    assert.match(refused(admitArgs(positional, []))[0]?.message ?? '', /<target> is required \(a positional argument\)/);
  });
  it('refuses too many arguments before reading any', () => {
    const errors = refused(
      admitArgs(
        perfConfig,
        Array.from({ length: 25 }, () => '-v'),
      ),
    );
    assert.deepEqual(errors, [
      { path: 'spec.tool.args', message: '25 arguments given; at most 24 are allowed (spec.limits.maxArgs of the PowerToolConfig)' },
    ]);
  });
  it('refuses over-long arguments and a canonical form that grows too long', () => {
    const long = `--comm=${'a'.repeat(130)}`;
    assert.match(refused(admitArgs(perfConfig, [long]))[0]?.message ?? '', /the argument is 137 characters, above the maximum 128/);
    const config = withConfig({
      parameters: [{ name: 'tag', flag: '--tag', short: '-t', type: 'string' }],
      limits: { maxArgs: 4, maxArgLength: 10 },
    });
    assert.deepEqual(admitted(admitArgs(config, ['-t1234'])).userArgv, ['--tag=1234']);
    assert.match(
      refused(admitArgs(config, ['-t12345']))[0]?.message ?? '',
      /written canonically as "--tag=12345" it is 11 characters, above the maximum 10/,
    );
  });
  it('refuses user flags that the admin fixed in defaultArgs', () => {
    const [e] = refused(admitArgs(perfConfig, ['--no-inherit']));
    assert.match(e?.message ?? '', /--no-inherit is set by the admin in defaultArgs and cannot be overridden/);
  });
  it('refuses everything while the config itself is invalid', () => {
    const broken = withConfig({ parameters: [{ name: 's', flag: '--s', type: 'string', pattern: '(a+)+' }] });
    const errors = refused(admitArgs(broken, []));
    assert.equal(errors.length, 1);
    assert.match(
      errors[0]?.message ?? '',
      /^the PowerToolConfig is invalid, so no arguments can be admitted until an admin fixes it: spec\.parameters\[0\]\.pattern: /,
    );
  });
  it('uses the args path it is given', () => {
    assert.equal(refused(admitArgs(perfConfig, ['--x'], 'items[2].spec.tool.args'))[0]?.path, 'items[2].spec.tool.args[0]');
  });
  it('keeps parameter names that collide with Object.prototype as plain keys', () => {
    const config = withConfig({
      parameters: [
        { name: 'constructor', flag: '--c', type: 'integer' },
        { name: 'toString', flag: '--t', type: 'integer' },
      ],
    });
    assert.deepEqual(admitted(admitArgs(config, ['--c=1'])).values, { constructor: [1] });
  });
});
