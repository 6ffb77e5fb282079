import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { pluralOf } from '../kube/apply.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { layout } from './layout.ts';
import { inCidr } from './routes.ts';
import { COREDNS_VERSION, HELM_VERSION, INGRESS_CLASS, network, ports, TRAEFIK_VERSION } from './settings.ts';
import { cniConfig } from './steps/cni.ts';
import { COREFILE, dnsObjects } from './steps/dns.ts';
import { ingressObjects, TRAEFIK_CONTROLLER, traefikConfig } from './steps/ingress.ts';

describe('cluster settings', () => {
  it('builds the CoreDNS version it names (one source: the go.mod)', () => {
    const mod = readFileSync(new URL('./go/coredns/go.mod', import.meta.url), 'utf8');
    assert.match(mod, new RegExp(`^require github.com/coredns/coredns ${COREDNS_VERSION.replaceAll('.', '\\.')}$`, 'm'));
  });
  it("builds the Traefik version it names, with Traefik's own replacements (one source: the go.mod)", () => {
    const mod = readFileSync(new URL('./go/traefik/go.mod', import.meta.url), 'utf8');
    assert.match(mod, new RegExp(`^require github.com/traefik/traefik/v3 ${TRAEFIK_VERSION.replaceAll('.', '\\.')}$`, 'm'));
    // Replacements in a dependency's go.mod are ignored: without Traefik's forks copied here, the build breaks.
    assert.match(mod, /github.com\/gorilla\/mux => github.com\/containous\/mux/);
  });
  it('builds the Helm version it names (one source: the go.mod)', () => {
    const mod = readFileSync(new URL('./go/helm/go.mod', import.meta.url), 'utf8');
    assert.match(mod, new RegExp(`^require helm.sh/helm/v4 ${HELM_VERSION.replaceAll('.', '\\.')}$`, 'm'));
  });
  it('runs the Ingress controller for the default IngressClass, on the node address, with no call home', () => {
    const cls = ingressObjects().find((o) => o.kind === 'IngressClass') as unknown as {
      metadata: { name: string; annotations: Record<string, string> };
      spec: { controller: string };
    };
    assert.equal(cls.metadata.name, INGRESS_CLASS);
    assert.equal(cls.metadata.annotations['ingressclass.kubernetes.io/is-default-class'], 'true');
    assert.equal(cls.spec.controller, TRAEFIK_CONTROLLER);
    const cfg = traefikConfig('/l/access.log') as {
      global: Record<string, boolean>;
      entryPoints: Record<string, { address: string }>;
      providers: { kubernetesIngress: { ingressClass: string; ingressEndpoint: { ip: string } } };
    };
    assert.deepEqual(cfg.global, { checkNewVersion: false, sendAnonymousUsage: false });
    assert.equal(cfg.entryPoints.web?.address, `${network.nodeIp}:${ports.ingressHttp}`);
    assert.equal(cfg.entryPoints.websecure?.address, `${network.nodeIp}:${ports.ingressHttps}`);
    assert.equal(cfg.providers.kubernetesIngress.ingressClass, INGRESS_CLASS);
    assert.equal(cfg.providers.kubernetesIngress.ingressEndpoint.ip, network.nodeIp);
  });
  it('keeps Services, pods and the node on addresses that agree', () => {
    assert.ok(inCidr(network.nodeIp, network.podCidr));
    assert.ok(inCidr(network.podRangeStart, network.podCidr));
    assert.ok(inCidr(network.apiServiceIp, network.serviceCidr));
    assert.ok(inCidr(network.dnsServiceIp, network.serviceCidr));
    assert.ok(!inCidr(network.serviceCidr.split('/')[0] as string, network.podCidr));
  });
  it('gives pods a route to Services and no default route', () => {
    const cfg = cniConfig(layout({ TOE_STATE_DIR: '/s' })) as { plugins: { ipam?: { routes: { dst: string }[] }; ipMasq?: boolean }[] };
    const routes = cfg.plugins[0]?.ipam?.routes ?? [];
    assert.deepEqual(routes, [{ dst: network.serviceCidr }]);
    assert.equal(cfg.plugins[0]?.ipMasq, false);
  });
  it('serves cluster DNS on the address the kubelet hands to pods, with only plugins the build includes', () => {
    const svc = dnsObjects().find((o) => o.kind === 'Service') as unknown as { spec: { clusterIP: string } };
    assert.equal(svc.spec.clusterIP, network.dnsServiceIp);
    const main = readFileSync(new URL('./go/coredns/main.go', import.meta.url), 'utf8');
    for (const plugin of COREFILE.split('\n')
      .map((l) => l.trim().split(' ')[0])
      .filter((w) => w && /^[a-z]+$/.test(w) && !['pods', 'fallthrough', 'ttl'].includes(w))) {
      assert.match(main, new RegExp(`plugin/${plugin}"`), `${plugin} is built in`);
    }
  });
  it('knows the resource of every object it applies (server-side apply skips discovery)', () => {
    for (const o of [...dnsObjects(), ...ingressObjects()]) assert.doesNotThrow(() => pluralOf(o.kind), o.kind);
  });
  it('renders a kubeconfig with inline credentials', () => {
    const kc = parse(
      renderKubeconfig({ server: 'https://10.244.0.1:6443', caPem: 'CA', certPem: 'C', keyPem: 'K', user: 'admin' }),
    ) as Record<string, unknown>;
    assert.equal(kc['current-context'], 'toe');
    assert.deepEqual(kc.users, [{ name: 'admin', user: { 'client-certificate-data': 'Qw==', 'client-key-data': 'Sw==' } }]);
  });
  it('keeps run-time files under the state root, so down finds every mount by one prefix', () => {
    const l = layout({ TOE_STATE_DIR: '/x/state', TOE_CACHE_DIR: '/x/cache' });
    for (const p of [l.runDir, l.containerdRoot, l.containerdState, l.kubeletDir, l.etcdDir, l.cniDataDir])
      assert.ok(p.startsWith('/x/state/'), p);
    assert.ok(l.imagesDir.startsWith('/x/cache/'));
  });
});
