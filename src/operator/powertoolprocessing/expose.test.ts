import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { powerToolProcessingSpec } from '../../api/index.ts';
import { ingressPath, renderEndpointSlice, renderIngress, renderService, reportUrl, serviceName } from './expose.ts';

const ref = { namespace: 'shop', name: 'checkout', uid: 'uid-1' };
const serve = { address: '10.244.0.1', port: 8081 };
const spec = (report: Record<string, unknown> = {}) => powerToolProcessingSpec.parse({ source: { tool: 'perf' }, report });
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

describe('expose', () => {
  it('names the Service as a DNS-1035 label, even for long or dotted names', () => {
    assert.equal(serviceName('checkout'), 'toe-reports-checkout');
    for (const name of ['a.b.c', 'x'.repeat(253), `${'y'.repeat(60)}.z`]) {
      const s = serviceName(name);
      assert.ok(s.length <= 63 && DNS_1035.test(s), s);
      assert.notEqual(s, serviceName(`${name}q`));
    }
  });

  it('renders a selector-less Service owned by the processing', () => {
    const svc = renderService(ref, serve);
    assert.equal(svc.metadata.name, 'toe-reports-checkout');
    assert.deepEqual(svc.metadata.ownerReferences, [
      { apiVersion: 'toe.dev/v1alpha1', kind: 'PowerToolProcessing', name: 'checkout', uid: 'uid-1', controller: true },
    ]);
    assert.equal('selector' in svc.spec, false);
    assert.deepEqual(svc.spec.ports, [{ name: 'http', port: 80, targetPort: 8081, protocol: 'TCP' }]);
  });

  it('points the EndpointSlice at the reports server and ties it to the Service', () => {
    const slice = renderEndpointSlice(ref, serve);
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'toe-reports-checkout');
    assert.equal(slice.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'operator.toe.dev');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints, [{ addresses: ['10.244.0.1'], conditions: { ready: true } }]);
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8081, protocol: 'TCP' }]);
    assert.equal(renderEndpointSlice(ref, { address: 'fd00::1', port: 1 }).addressType, 'IPv6');
  });

  it('renders the Ingress with host, Prefix path, class and TLS', () => {
    const ing = renderIngress(ref, { host: 'reports.example.com', path: '/toe/', className: 'traefik', tlsSecretName: 'reports-tls' });
    assert.equal(ing.spec.ingressClassName, 'traefik');
    assert.deepEqual(ing.spec.tls, [{ hosts: ['reports.example.com'], secretName: 'reports-tls' }]);
    assert.deepEqual(ing.spec.rules, [
      {
        host: 'reports.example.com',
        http: {
          paths: [{ path: '/toe', pathType: 'Prefix', backend: { service: { name: 'toe-reports-checkout', port: { name: 'http' } } } }],
        },
      },
    ]);
    const plain = renderIngress(ref, { host: 'r.example.com', path: '/' });
    assert.equal('ingressClassName' in plain.spec, false);
    assert.equal('tls' in plain.spec, false);
    assert.equal(plain.spec.rules[0]?.http.paths[0]?.path, '/');
  });

  it('normalises the path prefix', () => {
    assert.equal(ingressPath('/'), '/');
    assert.equal(ingressPath('/a/b//'), '/a/b');
  });

  it('builds report URLs from the Ingress, the URL base, or the Service', () => {
    assert.equal(
      reportUrl(ref, spec({ expose: { ingress: { host: 'r.example.com', path: '/toe/' } } }), serve, 'web-1'),
      'http://r.example.com/toe/shop/checkout/web-1.html',
    );
    assert.equal(
      reportUrl(ref, spec({ expose: { ingress: { host: 'r.example.com', tlsSecretName: 's' } } }), serve, 'web-1'),
      'https://r.example.com/shop/checkout/web-1.html',
    );
    assert.equal(
      reportUrl(ref, spec(), { ...serve, urlBase: 'http://localhost:8081/' }, 'web-1'),
      'http://localhost:8081/shop/checkout/web-1.html',
    );
    assert.equal(reportUrl(ref, spec(), serve, 'web-1'), 'http://toe-reports-checkout.shop.svc/shop/checkout/web-1.html');
    assert.equal(reportUrl(ref, spec(), { port: 8081 }, 'web-1'), undefined);
  });
});
