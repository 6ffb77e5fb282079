import { join } from 'node:path';
import type { Context } from '../context.ts';
import { ensureDaemon } from '../context.ts';
import { probe } from '../probe.ts';
import { apiserverUrl, etcdUrl, network, ports } from '../settings.ts';
import { binary } from './build-kubernetes.ts';

export function apiserverCommand(ctx: Context): string[] {
  const pki = (f: string): string => join(ctx.layout.pkiDir, f);
  return [
    binary(ctx, 'kube-apiserver'),
    `--etcd-servers=${etcdUrl}`,
    // Bound to the node's bridge address only: reachable from the machine and from pods (via the kubernetes
    // Service), not from the machine's other interfaces.
    `--bind-address=${network.nodeIp}`,
    `--advertise-address=${network.nodeIp}`,
    `--secure-port=${ports.apiserver}`,
    `--service-cluster-ip-range=${network.serviceCidr}`,
    `--client-ca-file=${pki('ca.crt')}`,
    `--tls-cert-file=${pki('apiserver.crt')}`,
    `--tls-private-key-file=${pki('apiserver.key')}`,
    `--kubelet-client-certificate=${pki('apiserver-kubelet-client.crt')}`,
    `--kubelet-client-key=${pki('apiserver-kubelet-client.key')}`,
    `--kubelet-certificate-authority=${pki('ca.crt')}`,
    '--kubelet-preferred-address-types=InternalIP',
    `--service-account-issuer=https://kubernetes.default.svc.${network.clusterDomain}`,
    `--service-account-key-file=${pki('sa.pub')}`,
    `--service-account-signing-key-file=${pki('sa.key')}`,
    '--authorization-mode=Node,RBAC',
    // The defaults (NamespaceLifecycle, ServiceAccount, PodSecurity, ResourceQuota, webhooks, …) plus the one
    // kubeadm adds: the kubelet may only change its own Node and the pods bound to it.
    '--enable-admission-plugins=NodeRestriction',
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ];
}

export async function apiserverReady(): Promise<boolean> {
  return (await probe(`${apiserverUrl}/readyz`)) === 200;
}

export async function runApiserver(ctx: Context): Promise<void> {
  await ensureDaemon(ctx, 'kube-apiserver', apiserverCommand(ctx), apiserverReady, 60_000);
}
