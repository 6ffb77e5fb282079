import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from '../host/exec.ts';

/** One certificate the cluster needs: subject, and SANs when it serves TLS. */
export interface CertSpec {
  name: string;
  cn: string;
  org?: string;
  /** `DNS:x` / `IP:y` entries; present means the certificate also serves. */
  sans?: string[];
}

const DAYS = '3650';
// With -subj and -addext nothing is read from a config; an empty one keeps the system openssl.cnf's CA defaults
// (x509_extensions = v3_ca) out of leaf certificates.
const CONFIG = '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The X.509 extensions of a leaf certificate, as openssl -addext values: client-only unless it has SANs. */
export function leafExtensions(spec: CertSpec): string[] {
  const ext = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];
  if (spec.sans?.length) ext.push('extendedKeyUsage=serverAuth,clientAuth', `subjectAltName=${spec.sans.join(',')}`);
  else ext.push('extendedKeyUsage=clientAuth');
  return ext;
}

export function subject(spec: CertSpec): string {
  return spec.org ? `/O=${spec.org}/CN=${spec.cn}` : `/CN=${spec.cn}`;
}

const configFile = (dir: string): string => join(dir, 'openssl.cnf');

// P-256 keys: RSA-2048 keys for ten certificates take seconds on two busy cores, EC keys take milliseconds.
const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** Creates the CA once; existing files are kept so that restarts keep every issued credential valid. */
export async function ensureCa(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written here, once, before certificates are issued in parallel (a rewrite while openssl reads it would race).
  await writeFile(configFile(dir), CONFIG);
  if (await exists(join(dir, 'ca.crt'))) return;
  await exec('openssl', [
    'req',
    '-x509',
    '-new',
    ...newKey,
    '-keyout',
    join(dir, 'ca.key'),
    '-subj',
    '/CN=toe-ca',
    '-days',
    DAYS,
    '-config',
    configFile(dir),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    '-out',
    join(dir, 'ca.crt'),
  ]);
}

/** Issues `<name>.crt`/`<name>.key` signed by the CA (after ensureCa), unless they exist: one openssl process. */
export async function ensureCert(dir: string, spec: CertSpec): Promise<void> {
  const crt = join(dir, `${spec.name}.crt`);
  if (await exists(crt)) return;
  await exec('openssl', [
    'req',
    '-new',
    ...newKey,
    '-keyout',
    join(dir, `${spec.name}.key`),
    '-subj',
    subject(spec),
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-days',
    DAYS,
    // A random serial: certificates are issued in parallel, a serial file would race.
    '-set_serial',
    `0x1${randomBytes(15).toString('hex')}`,
    '-config',
    configFile(dir),
    ...leafExtensions(spec).flatMap((e) => ['-addext', e]),
    '-out',
    crt,
  ]);
}

/** The service-account token signing key pair. */
export async function ensureServiceAccountKey(dir: string): Promise<void> {
  if (await exists(join(dir, 'sa.pub'))) return;
  await exec('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'sa.key')]);
  await exec('openssl', ['pkey', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);
}

export async function readPem(dir: string, name: string): Promise<{ cert: string; key: string }> {
  return { cert: await readFile(join(dir, `${name}.crt`), 'utf8'), key: await readFile(join(dir, `${name}.key`), 'utf8') };
}
