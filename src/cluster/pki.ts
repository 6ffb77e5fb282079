import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from './exec.ts';

/** One certificate the cluster needs: subject, and SANs when it serves TLS. */
export interface CertSpec {
  name: string;
  cn: string;
  org?: string;
  /** `DNS:x` / `IP:y` entries; present means the certificate also serves. */
  sans?: string[];
}

const DAYS = '3650';

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** The openssl extension file for a leaf certificate: client-only unless it has SANs. */
export function leafExtensions(spec: CertSpec): string {
  const lines = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];
  if (spec.sans?.length) lines.push('extendedKeyUsage=serverAuth,clientAuth', `subjectAltName=${spec.sans.join(',')}`);
  else lines.push('extendedKeyUsage=clientAuth');
  return lines.join('\n') + '\n';
}

export function subject(spec: CertSpec): string {
  return spec.org ? `/O=${spec.org}/CN=${spec.cn}` : `/CN=${spec.cn}`;
}

// P-256 keys: generating RSA-2048 keys for ten certificates takes seconds on two cores, EC takes milliseconds.
async function genKey(path: string): Promise<void> {
  await exec('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
}

/** Creates the CA once; existing files are kept so that restarts keep every issued credential valid. */
export async function ensureCa(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (await exists(join(dir, 'ca.crt'))) return;
  await genKey(join(dir, 'ca.key'));
  await exec('openssl', ['req', '-x509', '-new', '-key', join(dir, 'ca.key'), '-subj', '/CN=toe-ca', '-days', DAYS, '-out', join(dir, 'ca.crt'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
}

/** Issues `<name>.crt`/`<name>.key` signed by the CA, unless they exist. */
export async function ensureCert(dir: string, spec: CertSpec): Promise<void> {
  const crt = join(dir, `${spec.name}.crt`);
  if (await exists(crt)) return;
  const key = join(dir, `${spec.name}.key`);
  const csr = join(dir, `${spec.name}.csr`);
  const ext = join(dir, `${spec.name}.ext`);
  await genKey(key);
  await exec('openssl', ['req', '-new', '-key', key, '-subj', subject(spec), '-out', csr]);
  await writeFile(ext, leafExtensions(spec));
  await exec('openssl', ['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'),
    // A random serial, not -CAcreateserial: certificates are issued in parallel and would race on ca.srl.
    '-set_serial', `0x1${randomBytes(15).toString('hex')}`,
    '-days', DAYS, '-extfile', ext, '-out', crt]);
  await rm(csr);
  await rm(ext);
}

/** The service-account token signing key pair. */
export async function ensureServiceAccountKey(dir: string): Promise<void> {
  if (await exists(join(dir, 'sa.pub'))) return;
  await genKey(join(dir, 'sa.key'));
  await exec('openssl', ['pkey', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);
}

export async function readPem(dir: string, name: string): Promise<{ cert: string; key: string }> {
  return { cert: await readFile(join(dir, `${name}.crt`), 'utf8'), key: await readFile(join(dir, `${name}.key`), 'utf8') };
}
