import { readdir, readFile } from 'node:fs/promises';
import { exec } from './exec.ts';

/** The packages of `wanted` that dpkg does not list as installed. */
export async function missingPackages(wanted: readonly string[]): Promise<string[]> {
  if (wanted.length === 0) return [];
  let out = '';
  try {
    out = await exec('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Abbrev}\n', ...wanted]);
  } catch (err) {
    // dpkg-query exits 1 when any name is unknown, yet still prints the ones it knows.
    out = (err as { output?: string }).output ?? '';
  }
  const installed = new Set(
    out
      .split('\n')
      .filter((l) => l.split(' ')[1]?.startsWith('ii'))
      .map((l) => l.split(' ')[0]),
  );
  return wanted.filter((p) => !installed.has(p));
}

/** Installs what is missing. Installing never starts a daemon here (PID 1 is not systemd), so nothing runs behind our back. */
export async function installPackages(wanted: readonly string[]): Promise<string[]> {
  const missing = await missingPackages(wanted);
  if (missing.length === 0) return [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await exec('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  } catch {
    // A stale package list is the usual cause; refresh once and retry.
    await exec('apt-get', ['update'], { env });
    await exec('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  }
  return missing;
}

/** The first Debian mirror and suite apt is configured with, so debootstrap uses the same source as apt. */
export async function aptMirror(): Promise<{ uri: string; suite: string }> {
  const files = ['/etc/apt/sources.list'];
  for (const f of await readdir('/etc/apt/sources.list.d').catch(() => [])) files.push(`/etc/apt/sources.list.d/${f}`);
  for (const f of files) {
    const text = await readFile(f, 'utf8').catch(() => '');
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+main/m.exec(text);
    if (oneLine?.[1] && oneLine[2] && !oneLine[2].includes('security')) return { uri: oneLine[1], suite: oneLine[2] };
    const uris = /^URIs:\s*(\S+)/m.exec(text);
    const suites = /^Suites:\s*(\S+)/m.exec(text);
    if (uris?.[1] && suites?.[1] && !suites[1].includes('security')) return { uri: uris[1], suite: suites[1] };
  }
  throw new Error('found no Debian mirror in /etc/apt/sources.list{,.d}');
}
