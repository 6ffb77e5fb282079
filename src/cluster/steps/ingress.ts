import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { applyAll, type Manifest } from '../../kube/apply.ts';
import { FIELD_MANAGER, kubeConfigFrom } from '../client.ts';
import type { Context } from '../context.ts';
import { ensureDaemon } from '../context.ts';
import { probe } from '../probe.ts';
import { INGRESS_CLASS, network, ports } from '../settings.ts';
import { buildGoProgram } from './build-programs.ts';
import { INGRESS_IDENTITY, kubeconfigPath } from './certs.ts';

/**
 * The Ingress controller: Traefik's kubernetesIngress provider, run on the node as a host process (like the
 * kubelet), with its own client certificate. A host process rather than a pod: it needs no image, starts with the
 * other daemons, and reaches every endpoint an EndpointSlice names — pod IPs over the bridge, and the node address
 * itself, where a host-run operator serves its reports from a Service without a selector.
 *
 * It serves http on 10.244.0.1:80 and https on :443 (the Ingress's TLS secret, else Traefik's self-signed default),
 * and writes that address into each Ingress's status, as a cloud load balancer would.
 */
export const INGRESS_CONTROLLER = 'traefik';
/** The controller name Traefik matches IngressClasses against (spec.controller). */
export const TRAEFIK_CONTROLLER = 'traefik.io/ingress-controller';

export const ingressUrl = `http://${network.nodeIp}:${ports.ingressHttp}`;

export function traefikConfig(accessLog: string): object {
  // Stop in a second: `down` signals every daemon at once and gives each a short grace (Traefik's default is 10 s).
  const transport = { lifeCycle: { requestAcceptGraceTimeout: '0s', graceTimeOut: '1s' } };
  return {
    // No update checks and no usage reports: nothing of the cluster talks to the internet.
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    log: { level: 'INFO', noColor: true },
    accessLog: { filePath: accessLog },
    entryPoints: {
      web: { address: `${network.nodeIp}:${ports.ingressHttp}`, asDefault: true, transport },
      websecure: { address: `${network.nodeIp}:${ports.ingressHttps}`, asDefault: true, http: { tls: {} }, transport },
      traefik: { address: `127.0.0.1:${ports.ingressPing}`, transport },
    },
    ping: { entryPoint: 'traefik' },
    providers: {
      kubernetesIngress: {
        ingressClass: INGRESS_CLASS,
        ingressEndpoint: { ip: network.nodeIp },
        // A Service whose endpoints are all gone answers 503, as it does behind other controllers, rather than 404.
        allowEmptyServices: true,
        // Prefix `/hello` matches `/hello/x` but not `/helloworld`, as the Ingress specification says.
        strictPrefixMatching: true,
      },
    },
  };
}

export function ingressObjects(): Manifest[] {
  const read = ['get', 'list', 'watch'];
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: INGRESS_IDENTITY },
      rules: [
        { apiGroups: [''], resources: ['services', 'secrets', 'nodes'], verbs: read },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
        { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses'], verbs: read },
        { apiGroups: ['networking.k8s.io'], resources: ['ingresses/status'], verbs: ['update'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: INGRESS_IDENTITY },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: INGRESS_IDENTITY },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: INGRESS_IDENTITY }],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      // Default: the API server's DefaultIngressClass admission gives it to every new Ingress that names no class.
      metadata: { name: INGRESS_CLASS, annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
      spec: { controller: TRAEFIK_CONTROLLER },
    },
  ];
}

export async function runIngress(ctx: Context): Promise<void> {
  const l = ctx.layout;
  await applyAll(kubeConfigFrom(l.kubeconfig), ingressObjects(), FIELD_MANAGER);
  const dir = join(l.stateDir, 'ingress');
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'traefik.yaml');
  await writeFile(config, stringify(traefikConfig(join(l.logDir, 'traefik-access.log'))));
  const bin = await buildGoProgram(l.cacheDir, 'traefik');
  // Traefik's Kubernetes providers read a kubeconfig from $KUBECONFIG (client certificates included).
  const env = { ...process.env, KUBECONFIG: kubeconfigPath(ctx, 'ingress-controller') };
  await ensureDaemon(
    ctx,
    INGRESS_CONTROLLER,
    [bin, `--configFile=${config}`],
    async () => (await probe(`http://127.0.0.1:${ports.ingressPing}/ping`)) === 200,
    30_000,
    env,
  );
}
