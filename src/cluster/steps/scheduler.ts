import type { Context } from '../context.ts';
import { ensureDaemon } from '../context.ts';
import { probe } from '../probe.ts';
import { binary } from './build-kubernetes.ts';
import { kubeconfigPath } from './certs.ts';

export function schedulerCommand(ctx: Context): string[] {
  const kc = kubeconfigPath(ctx, 'scheduler');
  return [
    binary(ctx, 'kube-scheduler'),
    `--kubeconfig=${kc}`,
    `--authentication-kubeconfig=${kc}`,
    `--authorization-kubeconfig=${kc}`,
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    '--profiling=false',
    '--v=1',
  ];
}

export async function runScheduler(ctx: Context): Promise<void> {
  await ensureDaemon(
    ctx,
    'kube-scheduler',
    schedulerCommand(ctx),
    async () => (await probe('https://127.0.0.1:10259/healthz')) === 200,
    30_000,
  );
}
