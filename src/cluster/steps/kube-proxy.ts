import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Context } from '../context.ts';
import { ensureDaemon } from '../context.ts';
import { probe } from '../probe.ts';
import { network, NODE_NAME } from '../settings.ts';
import { binary } from './build-kubernetes.ts';
import { kubeconfigPath } from './certs.ts';

export function kubeProxyConfig(kubeconfig: string): object {
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig },
    // iptables mode: `kube-proxy --cleanup` removes exactly its own chains at `down`.
    mode: 'iptables',
    clusterCIDR: network.podCidr,
    hostnameOverride: NODE_NAME,
    bindAddress: network.nodeIp,
    healthzBindAddress: '127.0.0.1:10256',
    metricsBindAddress: '127.0.0.1:10249',
    // Zeros leave the machine's conntrack sysctls alone (by default kube-proxy raises the table size and timeouts).
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    // Otherwise kube-proxy sets net.ipv4.conf.all.route_localnet=1 to serve NodePorts on 127.0.0.1.
    iptables: { localhostNodePorts: false },
  };
}

export async function runKubeProxy(ctx: Context): Promise<void> {
  const config = join(ctx.layout.stateDir, 'kube-proxy.yaml');
  await writeFile(config, stringify(kubeProxyConfig(kubeconfigPath(ctx, 'kube-proxy'))));
  await ensureDaemon(
    ctx,
    'kube-proxy',
    [binary(ctx, 'kube-proxy'), `--config=${config}`],
    async () => (await probe('http://127.0.0.1:10256/healthz')) === 200,
    30_000,
  );
}
