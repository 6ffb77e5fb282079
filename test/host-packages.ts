/**
 * Debian packages the test suites need on the host (perf, strace, chromium, …), listed by the parts that need
 * them in `host-packages.txt` files. Installing them here keeps `npm test` true on a fresh machine: nothing a
 * suite needs may depend on what someone once installed by hand.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LISTS = ['powertools/host-packages.txt', 'test/host-packages.txt', 'processing/host-packages.txt'];

export function wantedPackages(root: string): string[] {
  const names = new Set<string>();
  for (const list of LISTS) {
    const path = join(root, list);
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const name = line.replace(/#.*/, '').trim();
      if (/^[a-z0-9][a-z0-9+.-]+$/.test(name)) names.add(name);
    }
  }
  return [...names].sort();
}

function missing(names: string[]): string[] {
  return names.filter(
    (n) => spawnSync('dpkg-query', ['-W', '-f=${Status}', n], { encoding: 'utf8' }).stdout?.includes('install ok installed') !== true,
  );
}

export function ensureHostPackages(root: string, log: (line: string) => void): void {
  const need = missing(wantedPackages(root));
  if (need.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(`the tests need these Debian packages: ${need.join(' ')} (run as root, or install them with apt-get)`);
  log(`installing host packages: ${need.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...need], { stdio: 'inherit', env });
}
