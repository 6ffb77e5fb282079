import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { generateCa, generateWebhookTls, hostsOf, hostsOfCert, issueServing, mergeHosts, renewalNeeded, type WebhookTls } from './certs.ts';

const DAY = 24 * 3600 * 1000;
const hosts = hostsOf(['toe-operator.toe-system.svc', '127.0.0.1', 'toe-operator.toe-system.svc.cluster.local']);

describe('webhook certificates', () => {
  let tls: WebhookTls;
  const now = new Date();

  before(async () => {
    tls = await generateWebhookTls(hosts, now);
  });

  it('makes a CA that signs the serving certificate, each with its own key', () => {
    const ca = new X509Certificate(tls.ca.cert);
    const serving = new X509Certificate(tls.serving.cert);
    assert.equal(ca.ca, true);
    assert.equal(serving.ca, false);
    assert.equal(ca.verify(ca.publicKey), true, 'the CA is self-signed');
    assert.equal(serving.verify(ca.publicKey), true, 'the serving certificate verifies against the CA');
    assert.equal(serving.checkIssued(ca), true);
    assert.equal(serving.checkPrivateKey(createPrivateKey(tls.serving.key)), true);
    assert.equal(ca.checkPrivateKey(createPrivateKey(tls.ca.key)), true);
    assert.equal(serving.checkPrivateKey(createPrivateKey(tls.ca.key)), false);
  });

  it('uses ECDSA P-256 and marks the serving certificate for server auth', () => {
    const serving = new X509Certificate(tls.serving.cert);
    assert.equal(serving.publicKey.asymmetricKeyType, 'ec');
    assert.equal(serving.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.deepEqual(serving.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  });

  it('names every DNS name and IP address in the SANs, and nothing else', () => {
    const serving = new X509Certificate(tls.serving.cert);
    assert.equal(
      serving.subjectAltName,
      'DNS:toe-operator.toe-system.svc, DNS:toe-operator.toe-system.svc.cluster.local, IP Address:127.0.0.1',
    );
    assert.equal(serving.checkHost('toe-operator.toe-system.svc'), 'toe-operator.toe-system.svc');
    assert.equal(serving.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(serving.checkHost('evil.example.com'), undefined);
    assert.equal(serving.checkIP('10.0.0.1'), undefined);
  });

  it('is valid for a year from a few minutes ago', () => {
    for (const pem of [tls.ca.cert, tls.serving.cert]) {
      const cert = new X509Certificate(pem);
      const from = Date.parse(cert.validFrom);
      const to = Date.parse(cert.validTo);
      assert.ok(from <= now.getTime() && from > now.getTime() - 3600_000, `validFrom ${cert.validFrom}`);
      assert.ok(Math.abs(to - now.getTime() - 365 * DAY) < 3600_000, `validTo ${cert.validTo}`);
    }
  });

  it('completes a TLS handshake with a client that trusts only the CA, by IP and by DNS name', async () => {
    const server = createServer({ key: tls.serving.key, cert: tls.serving.cert }, (socket) => socket.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      for (const servername of [undefined, 'toe-operator.toe-system.svc']) {
        const socket = connect({ host: '127.0.0.1', port, ca: tls.ca.cert, ...(servername ? { servername } : {}) });
        await once(socket, 'secureConnect');
        assert.equal(socket.authorized, true, `authorized for ${servername ?? '127.0.0.1'}`);
        socket.destroy();
      }
      const wrong = connect({ host: '127.0.0.1', port, ca: tls.ca.cert, servername: 'other.toe-system.svc' });
      const [err] = (await once(wrong, 'error')) as [NodeJS.ErrnoException];
      assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      server.close();
    }
  });

  describe('renewalNeeded', () => {
    it('is none for fresh certificates covering the names', () => {
      assert.equal(renewalNeeded(tls, hostsOf(['127.0.0.1']), now), 'none');
      assert.equal(renewalNeeded(tls, hosts, now), 'none');
    });

    it('renews only the serving certificate when a name is missing', () => {
      assert.equal(renewalNeeded(tls, hostsOf(['127.0.0.1', 'toe-webhook.toe-system.svc']), now), 'serving');
      assert.equal(renewalNeeded(tls, hostsOf(['::1']), now), 'serving');
    });

    it('renews the serving certificate when it does not pair with its key or its CA', async () => {
      const other = await generateWebhookTls(hosts, now);
      assert.equal(renewalNeeded({ ca: tls.ca, serving: { cert: tls.serving.cert, key: other.serving.key } }, hosts, now), 'serving');
      assert.equal(renewalNeeded({ ca: tls.ca, serving: other.serving }, hosts, now), 'serving');
      assert.equal(renewalNeeded({ ca: tls.ca, serving: { cert: 'garbage', key: 'garbage' } }, hosts, now), 'serving');
    });

    it("renews everything within 30 days of the CA's expiry, or when the CA is unusable", () => {
      assert.equal(renewalNeeded(tls, hosts, new Date(now.getTime() + 334 * DAY)), 'none');
      assert.equal(renewalNeeded(tls, hosts, new Date(now.getTime() + 336 * DAY)), 'all');
      assert.equal(renewalNeeded({ ca: { cert: tls.ca.cert, key: tls.serving.key }, serving: tls.serving }, hosts, now), 'all');
      assert.equal(renewalNeeded({ ca: tls.serving, serving: tls.serving }, hosts, now), 'all', 'a leaf is not a CA');
      assert.equal(renewalNeeded({ ca: { cert: '', key: '' }, serving: tls.serving }, hosts, now), 'all');
    });
  });

  it('issues a new serving certificate under an existing CA, never outliving it', async () => {
    const ca = await generateCa(new Date(now.getTime() - 200 * DAY));
    const serving = new X509Certificate((await issueServing(ca, hostsOf(['127.0.0.1']), now)).cert);
    const caCert = new X509Certificate(ca.cert);
    assert.equal(serving.verify(caCert.publicKey), true);
    assert.equal(serving.validTo, caCert.validTo);
  });

  it('refuses to issue a certificate for no name at all', async () => {
    await assert.rejects(issueServing(tls.ca, { dnsNames: [], ips: [] }, now), /at least one DNS name or IP address/);
  });

  it('reads the names back from a certificate, and merges name sets without duplicates', () => {
    assert.deepEqual(hostsOfCert(tls.serving.cert), hosts);
    assert.deepEqual(mergeHosts(hostsOf(['a.svc', '127.0.0.1']), hostsOf(['[::1]', 'a.svc'])), {
      dnsNames: ['a.svc'],
      ips: ['127.0.0.1', '::1'],
    });
    assert.deepEqual(hostsOfCert('not a certificate'), { dnsNames: [], ips: [] });
  });
});
