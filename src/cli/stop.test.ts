import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from './command.ts';
import { stopOptions } from './stop.ts';

describe('toe stop options', () => {
  it('reads each form', () => {
    assert.deepEqual(stopOptions(['--all', '--reason', ' checkout errors ']), {
      verb: 'all',
      reason: 'checkout errors',
      timeoutMs: 30_000,
      output: 'text',
    });
    assert.deepEqual(stopOptions(['--clear', '--name', 'incident-42']), {
      verb: 'clear',
      name: 'incident-42',
      timeoutMs: 30_000,
      output: 'text',
    });
    assert.deepEqual(stopOptions(['--status', '-o', 'json']), { verb: 'status', timeoutMs: 30_000, output: 'json' });
    assert.equal(stopOptions(['-h']), 'help');
  });

  it('refuses what it cannot do, naming the flag', () => {
    for (const [args, flag] of [
      [['--all'], '--reason'],
      [['--all', '--reason', ' '], '--reason'],
      [['--all', '--clear'], '--all'],
      [[], '--all'],
      [['--status', '--reason', 'x'], '--reason'],
      [['--clear', '--name', 'Bad_Name'], '--name'],
      [['--all', '--reason', 'x', '--timeout', '5m'], '--timeout'],
      [['--bogus'], '--bogus'],
    ] as const) {
      assert.throws(
        () => stopOptions([...args]),
        (err: unknown) => err instanceof UsageError && err.message.includes(flag),
        args.join(' '),
      );
    }
  });
});
