import { join } from 'node:path';
import type { Context } from '../context.ts';
import { ensureDaemon } from '../context.ts';
import { probe } from '../probe.ts';
import { network } from '../settings.ts';
import { binary } from './build-kubernetes.ts';
import { kubeconfigPath } from './certs.ts';

export function controllerManagerCommand(ctx: Context): string[] {
  const kc = kubeconfigPath(ctx, 'controller-manager');
  const pki = (f: string): string => join(ctx.layout.pkiDir, f);
  return [
    binary(ctx, 'kube-controller-manager'),
    `--kubeconfig=${kc}`,
    `--authentication-kubeconfig=${kc}`,
    `--authorization-kubeconfig=${kc}`,
    '--bind-address=127.0.0.1',
    `--service-account-private-key-file=${pki('sa.key')}`,
    `--root-ca-file=${pki('ca.crt')}`,
    `--cluster-signing-cert-file=${pki('ca.crt')}`,
    `--cluster-signing-key-file=${pki('ca.key')}`,
    // Each controller gets its own service account, so RBAC denials name the controller, as in kubeadm clusters.
    '--use-service-account-credentials=true',
    `--service-cluster-ip-range=${network.serviceCidr}`,
    // The CNI config owns pod addresses (host-local on one /16), so no per-node CIDR allocation.
    '--allocate-node-cidrs=false',
    '--leader-elect=false',
    '--profiling=false',
    '--v=1',
  ];
}

export async function runControllerManager(ctx: Context): Promise<void> {
  await ensureDaemon(
    ctx,
    'kube-controller-manager',
    controllerManagerCommand(ctx),
    async () => (await probe('https://127.0.0.1:10257/healthz')) === 200,
    30_000,
  );
}
