/**
 * The webhook's certificates, made in process: a self-signed CA whose certificate the API server trusts through
 * the webhook configurations' caBundle, and a serving certificate it signs for the names the API server dials.
 * ECDSA P-256 through Node's WebCrypto; no openssl, no cert-manager. Both are valid for a year and renewed by
 * `toe operator` when less than RENEW_BEFORE_MS is left (see tls-secret.ts for how replicas share them).
 */
// @peculiar/x509 resolves its services through tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';

export const VALIDITY_MS = 365 * 24 * 3600 * 1000;
export const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
// Issued a little in the past, so an API server whose clock is slightly behind ours still accepts the certificate.
const BACKDATE_MS = 5 * 60 * 1000;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const subtle = webcrypto.subtle;
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface KeyPairPem {
  cert: string;
  key: string;
}

/** The serving certificate and key, and the CA that signed them. */
export interface WebhookTls {
  ca: KeyPairPem;
  serving: KeyPairPem;
}

/** The names a serving certificate must cover: DNS names and IP addresses. */
export interface Hosts {
  dnsNames: string[];
  ips: string[];
}

export function hostsOf(names: readonly string[]): Hosts {
  const unique = [...new Set(names.map((n) => n.replace(/^\[(.*)\]$/, '$1')))].sort();
  return { dnsNames: unique.filter((n) => isIP(n) === 0), ips: unique.filter((n) => isIP(n) !== 0) };
}

export async function generateCa(now = new Date()): Promise<KeyPairPem> {
  const keys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=toe-webhook-ca-${now.toISOString().slice(0, 10)}`,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + VALIDITY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** A serving certificate for `hosts`, signed by `ca`. */
export async function issueServing(ca: KeyPairPem, hosts: Hosts, now = new Date()): Promise<KeyPairPem> {
  if (hosts.dnsNames.length + hosts.ips.length === 0) throw new Error('a serving certificate needs at least one DNS name or IP address');
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await subtle.importKey('pkcs8', createPrivateKey(ca.key).export({ type: 'pkcs8', format: 'der' }), ALGORITHM, false, [
    'sign',
  ]);
  const keys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const names: x509.JsonGeneralName[] = [
    ...hosts.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...hosts.ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    // Clients match the SANs; the CN only helps a human reading the certificate.
    subject: `CN=${hosts.dnsNames[0] ?? hosts.ips[0]}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(Math.min(now.getTime() + VALIDITY_MS, caCert.notAfter.getTime())),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

export async function generateWebhookTls(hosts: Hosts, now = new Date()): Promise<WebhookTls> {
  const ca = await generateCa(now);
  return { ca, serving: await issueServing(ca, hosts, now) };
}

/**
 * What must be renewed for these certificates to serve `hosts` until at least RENEW_BEFORE_MS from now: nothing,
 * the serving certificate (the CA, and so the caBundle every replica and the API server hold, stays), or all.
 */
export function renewalNeeded(tls: WebhookTls, hosts: Hosts, now = new Date()): 'none' | 'serving' | 'all' {
  const horizon = now.getTime() + RENEW_BEFORE_MS;
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(tls.ca.cert);
    if (!ca.ca || !ca.checkPrivateKey(createPrivateKey(tls.ca.key)) || Date.parse(ca.validTo) < horizon) return 'all';
  } catch {
    return 'all';
  }
  try {
    const serving = new X509Certificate(tls.serving.cert);
    if (!serving.verify(ca.publicKey) || !serving.checkPrivateKey(createPrivateKey(tls.serving.key))) return 'serving';
    if (Date.parse(serving.validTo) < horizon || Date.parse(serving.validFrom) > now.getTime()) return 'serving';
    const covered =
      hosts.dnsNames.every((h) => serving.checkHost(h, { wildcards: false }) === h) && hosts.ips.every((ip) => serving.checkIP(ip) === ip);
    return covered ? 'none' : 'serving';
  } catch {
    return 'serving';
  }
}

/** The names a certificate covers, so a renewal can keep what another replica needed. */
export function hostsOfCert(pem: string): Hosts {
  try {
    const san = new X509Certificate(pem).subjectAltName ?? '';
    const names = san.split(', ').flatMap((entry) => {
      const m = /^(DNS|IP Address):(.+)$/.exec(entry);
      return m?.[2] ? [m[2]] : [];
    });
    return hostsOf(names);
  } catch {
    return { dnsNames: [], ips: [] };
  }
}

export function mergeHosts(a: Hosts, b: Hosts): Hosts {
  return hostsOf([...a.dnsNames, ...a.ips, ...b.dnsNames, ...b.ips]);
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

// RFC 5280: a positive integer of at most 20 octets; the top bit is cleared so it is not read as negative.
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
}
