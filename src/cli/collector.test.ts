import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectorOptions } from './collector.ts';
import { UsageError } from './command.ts';

describe('toe collector options', () => {
  it('has documented defaults', () => {
    assert.deepEqual(collectorOptions([]), {
      listen: { host: '0.0.0.0', port: 8443 },
      dataDir: '/var/lib/toe/collector',
      tls: undefined,
      limits: { maxArtifactBytes: 2 ** 30, maxRunBytes: 10 * 2 ** 30, idleTimeoutMs: 300_000 },
      readers: ['system:serviceaccount:toe-system:toe-operator'],
    });
  });

  it('reads every flag', () => {
    const o = collectorOptions([
      '--listen',
      '[::1]:9000',
      '--data-dir',
      '/d',
      '--tls-cert',
      'c.pem',
      '--tls-key',
      'k.pem',
      '--max-artifact-bytes',
      '512Mi',
      '--max-run-bytes',
      '2Gi',
      '--idle-timeout',
      '90s',
      '--reader',
      'a',
      '--reader',
      'b',
    ]);
    assert.notEqual(o, 'help');
    if (o === 'help') return;
    assert.deepEqual(o.listen, { host: '::1', port: 9000 });
    assert.deepEqual(o.tls, { certFile: 'c.pem', keyFile: 'k.pem' });
    assert.deepEqual(o.limits, { maxArtifactBytes: 512 * 2 ** 20, maxRunBytes: 2 * 2 ** 30, idleTimeoutMs: 90_000 });
    assert.deepEqual(o.readers, ['a', 'b']);
  });

  it('refuses bad values naming the flag', () => {
    for (const [args, flag] of [
      [['--tls-cert', 'c.pem'], '--tls-cert'],
      [['--listen', '8443'], '--listen'],
      [['--listen', 'host:70000'], '--listen'],
      [['--max-artifact-bytes', '1.5'], '--max-artifact-bytes'],
      [['--max-artifact-bytes', '-1'], '--max-artifact-bytes'],
      [['--max-artifact-bytes=-1'], '--max-artifact-bytes'],
      [['--bogus'], '--bogus'],
      [['--max-run-bytes', '1Mi'], '--max-run-bytes'],
      [['--idle-timeout', '500ms'], '--idle-timeout'],
      [['--reader', ' '], '--reader'],
    ] as const) {
      assert.throws(
        () => collectorOptions([...args]),
        (err: unknown) => err instanceof UsageError && err.message.includes(flag),
        args.join(' '),
      );
    }
  });
});
