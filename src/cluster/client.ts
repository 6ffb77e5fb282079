import { KubeConfig } from '@kubernetes/client-node';

/** Who owns what `toe cluster up` applies (dns, ingress), apart from what the quickstart and the operator apply. */
export const FIELD_MANAGER = 'toe-cluster';

export function kubeConfigFrom(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}
