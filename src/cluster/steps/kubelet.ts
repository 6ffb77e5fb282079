import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Context } from '../context.ts';
import { ensureDaemon } from '../context.ts';
import type { Layout } from '../layout.ts';
import { probe } from '../probe.ts';
import { network, NODE_NAME } from '../settings.ts';
import { setSysctls } from '../sysctl.ts';
import { binary } from './build-kubernetes.ts';
import { kubeconfigPath } from './certs.ts';

/**
 * The values the kubelet insists on (pkg/kubelet/cm setupKernelTunables). It either writes them itself
 * (protectKernelDefaults: false) or refuses to start when they differ (true); there is no "leave them". TOE writes
 * them, records what it found, and restores that at `down`; the kubelet runs with protectKernelDefaults: true so
 * it only checks. While the cluster runs, a kernel oops panics the machine (panic_on_oops=1) as on any kubelet node.
 */
export const KUBELET_SYSCTLS: Record<string, string> = {
  'vm.overcommit_memory': '1',
  'vm.panic_on_oom': '0',
  'kernel.panic': '10',
  'kernel.panic_on_oops': '1',
  'kernel.keys.root_maxkeys': '1000000',
  'kernel.keys.root_maxbytes': '25000000',
};

export function kubeletConfig(l: Layout): object {
  const pki = (f: string): string => join(l.pkiDir, f);
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: network.nodeIp,
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: pki('ca.crt') } },
    authorization: { mode: 'Webhook' },
    tlsCertFile: pki('kubelet-serving.crt'),
    tlsPrivateKeyFile: pki('kubelet-serving.key'),
    // Debian's containerd 1.6 does not answer the RuntimeConfig CRI call; kubelet ≤ 1.35 then uses this setting.
    cgroupDriver: 'cgroupfs',
    containerRuntimeEndpoint: `unix://${l.containerdSocket}`,
    clusterDNS: [network.dnsServiceIp],
    clusterDomain: network.clusterDomain,
    // No CAP_SYS_RESOURCE here: the default -999 cannot be written.
    oomScoreAdj: 0,
    protectKernelDefaults: true,
    failSwapOn: false,
    // Images come from `ctr import`, not a registry: garbage-collecting one would break every pod that uses it.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    serializeImagePulls: false,
    rotateCertificates: false,
    resolvConf: '/etc/resolv.conf',
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
  };
}

export async function runKubelet(ctx: Context): Promise<void> {
  const l = ctx.layout;
  await setSysctls(ctx, KUBELET_SYSCTLS);
  const config = join(l.stateDir, 'kubelet.yaml');
  await writeFile(config, stringify(kubeletConfig(l)));
  await mkdir(l.kubeletDir, { recursive: true });
  const command = [
    binary(ctx, 'kubelet'),
    `--config=${config}`,
    `--kubeconfig=${kubeconfigPath(ctx, 'kubelet')}`,
    `--root-dir=${l.kubeletDir}`,
    `--hostname-override=${NODE_NAME}`,
    `--node-ip=${network.nodeIp}`,
    '--v=1',
  ];
  await ensureDaemon(ctx, 'kubelet', command, async () => (await probe('http://127.0.0.1:10248/healthz')) === 200, 30_000);
}
