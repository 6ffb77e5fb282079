import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from './command.ts';
import { reportsOptions } from './reports.ts';

describe('toe reports options', () => {
  it('has documented defaults and reads every flag', () => {
    assert.deepEqual(reportsOptions([]), { dir: '/var/lib/toe/reports', listen: { host: '0.0.0.0', port: 8080 } });
    assert.deepEqual(reportsOptions(['--dir', '/r', '--listen', '[::1]:0']), { dir: '/r', listen: { host: '::1', port: 0 } });
    assert.equal(reportsOptions(['-h']), 'help');
  });

  it('refuses bad values naming the flag', () => {
    for (const [args, flag] of [
      [['--listen', '8080'], '--listen'],
      [['--listen', 'h:99999'], '--listen'],
      [['--dir', ' '], '--dir'],
      [['--bogus'], '--bogus'],
      [['extra'], 'extra'],
    ] as const) {
      assert.throws(
        () => reportsOptions([...args]),
        (err: unknown) => err instanceof UsageError && err.message.includes(flag),
        args.join(' '),
      );
    }
  });
});
