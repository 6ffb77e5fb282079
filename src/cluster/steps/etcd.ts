import type { Context } from '../context.ts';
import { ensureDaemon } from '../context.ts';
import { probe } from '../probe.ts';
import { etcdUrl, ports } from '../settings.ts';

/** Debian's etcd, loopback only and without TLS: nothing but the API server on this machine talks to it. */
export function etcdCommand(ctx: Context): string[] {
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    'etcd',
    '--name',
    'toe',
    '--data-dir',
    ctx.layout.etcdDir,
    '--listen-client-urls',
    etcdUrl,
    '--advertise-client-urls',
    etcdUrl,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    '--initial-cluster',
    `toe=${peer}`,
    '--quota-backend-bytes',
    String(2 * 1024 ** 3),
    '--snapshot-count',
    '10000',
    '--log-level',
    'warn',
  ];
}

export async function runEtcd(ctx: Context): Promise<void> {
  await ensureDaemon(ctx, 'etcd', etcdCommand(ctx), async () => (await probe(`${etcdUrl}/health`)) === 200, 20_000);
}
