import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leafExtensions, subject } from './pki.ts';
import { certs } from './steps/certs.ts';

describe('pki', () => {
  it('makes client-only certificates unless SANs are given', () => {
    assert.ok(leafExtensions({ name: 'a', cn: 'a' }).includes('extendedKeyUsage=clientAuth'));
    const serving = leafExtensions({ name: 'b', cn: 'b', sans: ['DNS:x', 'IP:1.2.3.4'] });
    assert.ok(serving.includes('extendedKeyUsage=serverAuth,clientAuth'));
    assert.ok(serving.includes('subjectAltName=DNS:x,IP:1.2.3.4'));
    assert.ok(serving.includes('basicConstraints=critical,CA:FALSE'));
  });
  it('puts the group in O, as Kubernetes reads it', () => {
    assert.equal(subject({ name: 'k', cn: 'system:node:n', org: 'system:nodes' }), '/O=system:nodes/CN=system:node:n');
  });
  it('lets pods reach the API server through the kubernetes Service name and ClusterIP', () => {
    const sans = certs.find((c) => c.name === 'apiserver')?.sans ?? [];
    for (const s of ['DNS:kubernetes.default.svc', 'IP:10.96.0.1', 'IP:10.244.0.1']) assert.ok(sans.includes(s), s);
  });
});
