/**
 * The CLI compiled to JavaScript, for the toe image. In a checkout the sources run through tsx (bin/toe.js), but its
 * loader thread and transform caches cost a long-running operator ~100 MB of resident memory; the image runs plain
 * JavaScript instead. Built with the project's own tsc (tsconfig.build.json) once per source tree, into the cache.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { exec } from '../host/exec.ts';
import { parseImageSpec } from './image-spec.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
/** What the build reads: a change to any of them is a new build. */
const INPUTS = ['src', 'processing', 'tutorial', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
/** Files the compiled code reads beside itself at run time (tsc copies only what it compiles). */
const ASSETS = ['processing/report/style.css', 'processing/report/client.js'];

async function filesUnder(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return [];
  if (!s.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return (await Promise.all(entries.map((e) => filesUnder(join(path, e.name))))).flat();
}

async function sourceKey(root: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await Promise.all(INPUTS.map((i) => filesUnder(join(root, i))))).flat().sort();
  for (const f of files)
    hash
      .update(relative(root, f))
      .update('\0')
      .update(await readFile(f))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The build's directory (package.json, package-lock.json, src/ and processing/ as .js): made now or found. */
export async function buildToe(cacheDir: string, root = repoRoot): Promise<string> {
  const dir = join(cacheDir, 'toe-build', await sourceKey(root));
  if (
    await stat(join(dir, '.complete')).then(
      () => true,
      () => false,
    )
  )
    return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await exec(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', tmp],
      { cwd: root },
    );
    for (const f of [...ASSETS, 'package.json', 'package-lock.json']) await cp(join(root, f), join(tmp, f));
    await writeFile(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/**
 * The image's command line after `node` (its flags and the compiled CLI), with the image's /app being `dir`: the
 * operator as the image runs it, on the host (packages resolve from a node_modules beside or above `dir`).
 */
export async function imageCommand(dir: string, root = repoRoot): Promise<string[]> {
  const recipe = join(root, 'src/images/toe-image.yaml');
  return parseImageSpec(await readFile(recipe, 'utf8'), recipe)
    .entrypoint.slice(1)
    .map((a) => a.replace(/^\/app\//, `${dir}/`));
}
