import { createHash } from 'node:crypto';
import { access, chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exec } from './exec.ts';
import { imageRef, parseImageSpec, type ImageSpec } from './image-spec.ts';
import { importImage, listImages, packImage } from './oci.ts';
import { aptMirror, installPackages } from './packages.ts';
import { busyboxRoot, copyHostPath, copyWithLibraries } from './rootfs.ts';
import { BASE_IMAGE, COREDNS_IMAGE, PAUSE_IMAGE } from './settings.ts';
import { buildGoProgram } from './steps/build-programs.ts';

/** An image the cluster can build: its reference and how to make its archive. */
export interface ImageJob {
  ref: string;
  archive: string;
  build: (archive: string) => Promise<void>;
}

const repoRoot = new URL('../../', import.meta.url).pathname;

function split(ref: string): { repository: string; tag: string } {
  const i = ref.lastIndexOf(':');
  return { repository: ref.slice(0, i), tag: ref.slice(i + 1) };
}

function archivePath(imagesDir: string, ref: string): string {
  return join(imagesDir, `${ref.replace(/^localhost\//, '').replace(/[/:]/g, '_')}.tar`);
}

async function withRootfs(fill: (root: string) => Promise<void>, pack: (root: string) => Promise<void>): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'toe-rootfs-'));
  try {
    await fill(work);
    await pack(work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The images every node needs: the sandbox (pause), a busybox base for tests, and CoreDNS. */
export function clusterImages(cacheDir: string): ImageJob[] {
  const imagesDir = join(cacheDir, 'images');
  const program = (name: 'pause' | 'coredns', ref: string, entrypoint: string[], base: boolean): ImageJob => ({
    ref,
    archive: archivePath(imagesDir, ref),
    build: async (archive) => {
      const bin = await buildGoProgram(cacheDir, name);
      await withRootfs(async (root) => {
        if (base) await busyboxRoot(root);
        await copyFile(bin, join(root, name));
        await chmod(join(root, name), 0o755);
      }, (root) => packImage(root, split(ref).tag, { entrypoint }, archive));
    },
  });
  return [
    program('pause', PAUSE_IMAGE, ['/pause'], false),
    {
      ref: BASE_IMAGE,
      archive: archivePath(imagesDir, BASE_IMAGE),
      build: (archive) => withRootfs(busyboxRoot, (root) => packImage(root, split(BASE_IMAGE).tag, { entrypoint: ['/bin/sh'] }, archive)),
    },
    program('coredns', COREDNS_IMAGE, ['/coredns'], true),
  ];
}

/** A debootstrap minbase root with the packages, cached as a tarball keyed by the package list. */
async function debianRoot(cacheDir: string, root: string, packages: string[]): Promise<void> {
  const key = createHash('sha256').update(packages.slice().sort().join(',')).digest('hex').slice(0, 12);
  const tarball = join(cacheDir, 'rootfs', `debian-${key}.tar`);
  if (!(await access(tarball).then(() => true, () => false))) {
    await installPackages(['debootstrap']);
    const { uri, suite } = await aptMirror();
    const work = await mkdtemp(join(tmpdir(), 'toe-debootstrap-'));
    try {
      const include = packages.length ? [`--include=${packages.join(',')}`] : [];
      await exec('debootstrap', ['--variant=minbase', ...include, suite, work, uri]);
      await exec('rm', ['-rf', join(work, 'var/cache/apt/archives'), join(work, 'var/lib/apt/lists')]);
      await mkdir(dirname(tarball), { recursive: true });
      await exec('tar', ['-C', work, '-cf', `${tarball}.partial`, '.']);
      await exec('mv', [`${tarball}.partial`, tarball]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  await exec('tar', ['-C', root, '-xf', tarball]);
}

/** The image a `powertools/<tool>/image.yaml` describes. */
export function toolImage(cacheDir: string, toolDir: string, spec: ImageSpec): ImageJob {
  const ref = imageRef(spec);
  return {
    ref,
    archive: archivePath(join(cacheDir, 'images'), ref),
    build: async (archive) => {
      if (spec.base === 'busybox') await installPackages(spec.packages);
      await withRootfs(async (root) => {
        if (spec.base === 'debian') await debianRoot(cacheDir, root, spec.packages);
        else await busyboxRoot(root);
        await copyWithLibraries(root, spec.binaries);
        for (const p of spec.paths) await copyHostPath(root, p);
        for (const f of spec.files) {
          const dest = join(root, f.dest);
          await mkdir(dirname(dest), { recursive: true });
          await copyFile(join(toolDir, f.src), dest);
          await chmod(dest, parseInt(f.mode, 8));
        }
      }, (root) => packImage(root, spec.tag, { entrypoint: spec.entrypoint, cmd: spec.cmd, env: spec.env }, archive));
    },
  };
}

/** Every `powertools/<tool>/image.yaml` in the repository. */
export async function toolImages(cacheDir: string, root = repoRoot): Promise<ImageJob[]> {
  const dir = join(root, 'powertools');
  const jobs: ImageJob[] = [];
  for (const tool of (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const file = join(dir, tool, 'image.yaml');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) jobs.push(toolImage(cacheDir, join(dir, tool), parseImageSpec(text, file)));
  }
  return jobs;
}

/**
 * Builds the archives that are missing (all of them with `rebuild`), and imports into containerd those it does not
 * hold yet (all rebuilt ones). Without a containerd socket it only builds: `up` imports them later.
 */
export async function ensureImages(jobs: ImageJob[], opts: { socket?: string; rebuild?: boolean; onImage?: (ref: string, action: string) => void }): Promise<void> {
  const present = opts.socket ? new Set(await listImages(opts.socket)) : new Set<string>();
  for (const job of jobs) {
    const built = opts.rebuild || !(await access(job.archive).then(() => true, () => false));
    if (built) {
      await job.build(job.archive).catch((err: unknown) => {
        throw new Error(`build image ${job.ref}`, { cause: err });
      });
    }
    if (opts.socket && (built || !present.has(job.ref))) {
      await importImage(opts.socket, job.archive, split(job.ref).repository);
      opts.onImage?.(job.ref, built ? 'built and imported' : 'imported');
    } else if (built) opts.onImage?.(job.ref, 'built');
  }
}
