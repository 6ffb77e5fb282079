import { createHash } from 'node:crypto';
import { access, chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exec } from '../host/exec.ts';
import { imageRef, parseImageSpec, resolveSource, type ImageSpec } from './image-spec.ts';
import { archivePath, split, withRootfs, type ImageJob } from './images.ts';
import { modulesKey, productionModules } from './node-modules.ts';
import { packImage } from './oci.ts';
import { aptMirror, installPackages } from '../host/packages.ts';
import { busyboxRoot, copyHostPath, copyWithLibraries } from './rootfs.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;

/** A debootstrap minbase root with the packages, cached as a tarball keyed by the package list. */
async function debianRoot(cacheDir: string, root: string, packages: string[]): Promise<void> {
  const key = createHash('sha256').update(packages.slice().sort().join(',')).digest('hex').slice(0, 12);
  const tarball = join(cacheDir, 'rootfs', `debian-${key}.tar`);
  if (
    !(await access(tarball).then(
      () => true,
      () => false,
    ))
  ) {
    await installPackages(['debootstrap']);
    const { uri, suite } = await aptMirror();
    const work = await mkdtemp(join(tmpdir(), 'toe-debootstrap-'));
    try {
      const include = packages.length ? [`--include=${packages.join(',')}`] : [];
      await exec('debootstrap', ['--variant=minbase', ...include, suite, work, uri]);
      // Package downloads and lists are dead weight; /dev is the runtime's to fill (its nodes cannot be packed).
      await exec('rm', ['-rf', join(work, 'var/cache/apt/archives'), join(work, 'var/lib/apt/lists'), join(work, 'dev')]);
      await mkdir(join(work, 'dev'));
      await mkdir(dirname(tarball), { recursive: true });
      await exec('tar', ['-C', work, '-cf', `${tarball}.partial`, '.']);
      await exec('mv', [`${tarball}.partial`, tarball]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  await exec('tar', ['-C', root, '-xf', tarball]);
}

/** A file source as the files it stands for: itself, or every file under a folder (sorted, symlinks as they are). */
async function filesUnder(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const out: string[] = [];
  for (const e of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(path, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

/**
 * A key over everything that goes into a tool image: its spec, its files' contents, and the host binaries' size and
 * time, so editing an entrypoint or upgrading a package rebuilds the image, and nothing else does.
 */
async function toolKey(specText: string, sources: string[], hostPaths: string[], extra: string[] = []): Promise<string> {
  const h = createHash('sha256').update(specText);
  for (const source of sources) for (const f of await filesUnder(source)) h.update(f).update(await readFile(f));
  for (const e of extra) h.update(e);
  for (const p of hostPaths) {
    const st = await stat(p).catch(() => undefined);
    h.update(`${p}:${st?.size ?? '-'}:${st?.mtimeMs ?? '-'}`);
  }
  return h.digest('hex').slice(0, 12);
}

/**
 * The image a recipe describes: `powertools/<tool>/image.yaml` (its files may come from anywhere under
 * `sourceRoot`, by default the folder above the tool's), or the product's own (src/images/toe-image.yaml).
 */
export async function toolImage(
  cacheDir: string,
  toolDir: string,
  specText: string,
  spec: ImageSpec,
  defaultTag: string,
  sourceRoot = join(toolDir, '..'),
): Promise<ImageJob> {
  const ref = imageRef(spec, defaultTag);
  const sources = spec.files.map((f) => ({ ...f, from: resolveSource(sourceRoot, toolDir, f.src) }));
  const modulesKeyText = spec.nodeModules ? [`node_modules:${await modulesKey(toolDir)}`] : [];
  const key = await toolKey(
    specText,
    sources.map((f) => f.from),
    [...spec.binaries, ...spec.paths],
    modulesKeyText,
  );
  return {
    ref,
    archive: archivePath(join(cacheDir, 'images'), ref, key),
    build: async (archive) => {
      if (spec.base === 'busybox') await installPackages(spec.packages);
      await withRootfs(
        async (root) => {
          if (spec.base === 'debian') await debianRoot(cacheDir, root, spec.packages);
          else await busyboxRoot(root);
          await copyWithLibraries(root, spec.binaries);
          for (const p of spec.paths) await copyHostPath(root, p);
          for (const f of sources) {
            const dest = join(root, f.dst);
            await mkdir(dirname(dest), { recursive: true });
            if ((await stat(f.from)).isDirectory()) {
              await mkdir(dest, { recursive: true });
              await exec('cp', ['-a', `${f.from}/.`, dest]);
              continue;
            }
            await copyFile(f.from, dest);
            await chmod(dest, parseInt(f.mode, 8));
          }
          if (spec.nodeModules) {
            const dest = join(root, spec.nodeModules);
            await mkdir(dest, { recursive: true });
            await exec('cp', ['-a', `${await productionModules(cacheDir, toolDir)}/.`, dest]);
          }
        },
        (root) => packImage(root, split(ref).tag, { entrypoint: spec.entrypoint, cmd: spec.cmd, env: spec.env }, archive),
      );
    },
  };
}

/** Tool images are tagged with the product's version unless their image.yaml names a tag. */
async function productVersion(root: string): Promise<string> {
  return (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Every `powertools/<tool>/image.yaml`, then every `samples/apps/<app>/image.yaml` (the sample targets). A
 * `build.sh` beside a recipe runs first, with the recipe's packages installed, to make the files it copies; if it
 * fails, that image fails alone (its job rethrows the error) and the others still build.
 */
export async function toolImages(cacheDir: string, root = repoRoot): Promise<ImageJob[]> {
  const tag = await productVersion(root);
  const jobs: ImageJob[] = [];
  for (const dir of [join(root, 'powertools'), join(root, 'samples', 'apps')]) {
    for (const tool of (await readdir(dir, { withFileTypes: true }).catch(() => []))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()) {
      const file = join(dir, tool, 'image.yaml');
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const spec = parseImageSpec(text, file);
      const script = join(dir, tool, 'build.sh');
      const failed = (await access(script).then(
        () => true,
        () => false,
      ))
        ? await installPackages(spec.packages)
            .then(() => exec(script, [], { cwd: join(dir, tool) }))
            .then(
              () => undefined,
              (err: unknown) => err,
            )
        : undefined;
      const why = failed instanceof Error ? failed.message : String(failed);
      if (failed !== undefined)
        jobs.push({ ref: imageRef(spec, tag), archive: '', build: () => Promise.reject(new Error(`${script} failed: ${why}`)) });
      else jobs.push(await toolImage(cacheDir, join(dir, tool), text, spec, tag));
    }
  }
  return jobs;
}
