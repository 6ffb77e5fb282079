import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptions } from './cluster.ts';
import { UsageError } from './command.ts';

describe('toe cluster options', () => {
  it('parses each subcommand with its flags', () => {
    assert.deepEqual(parseOptions(['up', '--apiserver-only']), {
      verb: 'up',
      mode: 'apiserver',
      retain: false,
      fresh: false,
      purge: false,
      rebuild: false,
      quiet: false,
      output: 'text',
    });
    assert.equal(parseOptions(['down', '--purge']) !== 'help' && (parseOptions(['down', '--purge']) as { purge: boolean }).purge, true);
    assert.equal((parseOptions(['status', '-o', 'json']) as { output: string }).output, 'json');
    assert.equal(parseOptions(['up', '-h']), 'help');
  });
  it('refuses what does not apply, naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [[], /missing subcommand/],
      [['start'], /unknown subcommand "start"/],
      [['down', '--apiserver-only'], /--apiserver-only applies to up only/],
      [['up', '--purge'], /--purge applies to down only/],
      [['status', '-o', 'yaml'], /--output must be text or json/],
      [['up', 'extra'], /unexpected argument "extra"/],
      [['up', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [argv, msg] of cases)
      assert.throws(
        () => parseOptions(argv),
        (e: unknown) => e instanceof UsageError && msg.test(e.message),
        argv.join(' '),
      );
  });
});
