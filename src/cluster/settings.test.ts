import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { renderKubeconfig } from './kubeconfig.ts';
import { layout } from './layout.ts';
import { inCidr } from './routes.ts';
import { COREDNS_VERSION, network } from './settings.ts';
import { cniConfig } from './steps/cni.ts';
import { COREFILE, dnsObjects } from './steps/dns.ts';


describe('cluster settings', () => {
  it('builds the CoreDNS version it names (one source: the go.mod)', () => {
    const mod = readFileSync(new URL('./go/coredns/go.mod', import.meta.url), 'utf8');
    assert.match(mod, new RegExp(`^require github.com/coredns/coredns ${COREDNS_VERSION.replaceAll('.', '\\.')}$`, 'm'));
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
    const svc = dnsObjects().find((o) => o.kind === 'Service') as { spec: { clusterIP: string } };
    assert.equal(svc.spec.clusterIP, network.dnsServiceIp);
    const main = readFileSync(new URL('./go/coredns/main.go', import.meta.url), 'utf8');
    for (const plugin of COREFILE.split('\n').map((l) => l.trim().split(' ')[0]).filter((w) => w && /^[a-z]+$/.test(w) && !['pods', 'fallthrough', 'ttl'].includes(w))) {
      assert.match(main, new RegExp(`plugin/${plugin}"`), `${plugin} is built in`);
    }
  });
  it('renders a kubeconfig with inline credentials', () => {
    const kc = parse(renderKubeconfig({ server: 'https://10.244.0.1:6443', caPem: 'CA', certPem: 'C', keyPem: 'K', user: 'admin' })) as Record<string, unknown>;
    assert.equal(kc['current-context'], 'toe');
    assert.deepEqual(kc.users, [{ name: 'admin', user: { 'client-certificate-data': 'Qw==', 'client-key-data': 'Sw==' } }]);
  });
  it('keeps run-time files under the state root, so down finds every mount by one prefix', () => {
    const l = layout({ TOE_STATE_DIR: '/x/state', TOE_CACHE_DIR: '/x/cache' });
    for (const p of [l.runDir, l.containerdRoot, l.containerdState, l.kubeletDir, l.etcdDir, l.cniDataDir]) assert.ok(p.startsWith('/x/state/'), p);
    assert.ok(l.imagesDir.startsWith('/x/cache/'));
  });
});
