import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { renderKubeconfig } from '../kubeconfig.ts';
import { ensureCa, ensureCert, ensureServiceAccountKey, readPem, type CertSpec } from '../pki.ts';
import { apiserverUrl, network, NODE_NAME } from '../settings.ts';

const svc = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${network.clusterDomain}`];

/** The Ingress controller's user name; steps/ingress.ts binds its ClusterRole to it. */
export const INGRESS_IDENTITY = 'toe:ingress-controller';

/** Every certificate of the cluster. Admin-level clients are in system:masters, components use their RBAC names. */
export const certs: CertSpec[] = [
  {
    name: 'apiserver',
    cn: 'kube-apiserver',
    sans: [...svc, 'localhost'].map((d) => `DNS:${d}`).concat(['127.0.0.1', network.nodeIp, network.apiServiceIp].map((i) => `IP:${i}`)),
  },
  { name: 'apiserver-kubelet-client', cn: 'kube-apiserver-kubelet-client', org: 'system:masters' },
  { name: 'admin', cn: 'toe-admin', org: 'system:masters' },
  { name: 'controller-manager', cn: 'system:kube-controller-manager' },
  { name: 'scheduler', cn: 'system:kube-scheduler' },
  { name: 'kubelet', cn: `system:node:${NODE_NAME}`, org: 'system:nodes' },
  { name: 'kubelet-serving', cn: NODE_NAME, sans: [`DNS:${NODE_NAME}`, 'DNS:localhost', `IP:${network.nodeIp}`, 'IP:127.0.0.1'] },
  { name: 'kube-proxy', cn: 'system:kube-proxy' },
  { name: 'ingress-controller', cn: INGRESS_IDENTITY },
];

/** Which certificate each component's kubeconfig carries; `admin` becomes the user's kubeconfig. */
export const kubeconfigs = ['admin', 'controller-manager', 'scheduler', 'kubelet', 'kube-proxy', 'ingress-controller'] as const;

export function kubeconfigPath(ctx: Context, name: (typeof kubeconfigs)[number]): string {
  return name === 'admin' ? ctx.layout.kubeconfig : join(ctx.layout.stateDir, `${name}.kubeconfig`);
}

export async function runCerts(ctx: Context): Promise<void> {
  const dir = ctx.layout.pkiDir;
  await ensureCa(dir);
  await ensureServiceAccountKey(dir);
  await Promise.all(certs.map((c) => ensureCert(dir, c)));
  const ca = await readPem(dir, 'ca');
  for (const name of kubeconfigs) {
    const { cert, key } = await readPem(dir, name);
    const text = renderKubeconfig({ server: apiserverUrl, caPem: ca.cert, certPem: cert, keyPem: key, user: name });
    await writeFile(kubeconfigPath(ctx, name), text, { mode: 0o600 });
  }
}
