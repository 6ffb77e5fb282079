import { createHash } from 'node:crypto';
import { access, copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from '../host/exec.ts';

const MANIFESTS = ['package.json', 'package-lock.json'];

/** A key over the two files npm ci reads: the same lockfile always gives the same tree. */
export async function modulesKey(projectDir: string): Promise<string> {
  const h = createHash('sha256');
  for (const f of MANIFESTS) h.update(f).update(await readFile(join(projectDir, f)));
  return h.digest('hex').slice(0, 12);
}

/**
 * The production dependencies of a Node project, as `npm ci --omit=dev --ignore-scripts` installs them from its
 * lockfile into a staging folder under the cache (never into the project, whose node_modules holds the dev tools
 * too). Scripts are skipped: an image must not run install hooks on the build host, and the runtime dependencies
 * need none (esbuild's binary comes as its own platform package). Returns the node_modules folder.
 */
export async function productionModules(cacheDir: string, projectDir: string): Promise<string> {
  const root = join(cacheDir, 'node-modules');
  const key = await modulesKey(projectDir);
  const dir = join(root, key);
  const modules = join(dir, 'node_modules');
  // The folder only appears, by rename, once npm ci has succeeded.
  if (
    await access(modules).then(
      () => true,
      () => false,
    )
  )
    return modules;
  const work = `${dir}.partial`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  for (const f of MANIFESTS) await copyFile(join(projectDir, f), join(work, f));
  await exec('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: work });
  await rm(dir, { recursive: true, force: true });
  await rename(work, dir);
  // Older trees (an earlier lockfile) are never used again.
  for (const old of await readdir(root)) if (old !== key) await rm(join(root, old), { recursive: true, force: true });
  return modules;
}
