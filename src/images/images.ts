import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { importImage, listImages } from './oci.ts';

/** An image the cluster can build: its reference and how to make its archive. */
export interface ImageJob {
  ref: string;
  archive: string;
  build: (archive: string) => Promise<void>;
}

export function split(ref: string): { repository: string; tag: string } {
  const i = ref.lastIndexOf(':');
  return { repository: ref.slice(0, i), tag: ref.slice(i + 1) };
}

/** Bumped when the way images are assembled changes, so archives built the old way are not reused. */
const BUILDER_VERSION = 'b2';

/** `<images>/<name>_<tag>-<key>.tar`: the key covers everything that goes in, so a stale archive is never reused. */
export function archivePath(imagesDir: string, ref: string, key: string): string {
  return join(imagesDir, `${ref.replace(/^localhost\//, '').replace(/[/:]/g, '_')}-${BUILDER_VERSION}${key ? `-${key}` : ''}.tar`);
}

export async function withRootfs(fill: (root: string) => Promise<void>, pack: (root: string) => Promise<void>): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'toe-rootfs-'));
  try {
    await fill(work);
    await pack(work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Removes the older archives of the same image (same name and tag, other key): they are never used again. */
async function pruneArchives(current: string): Promise<void> {
  const dir = dirname(current);
  const prefix = basename(current).replace(/-[0-9a-f]{12}\.tar$/, '-');
  if (prefix === basename(current)) return;
  for (const f of await readdir(dir)) {
    if (f.startsWith(prefix) && /-[0-9a-f]{12}\.tar$/.test(f) && f !== basename(current)) await rm(join(dir, f), { force: true });
  }
}

/**
 * Builds the archives that are missing (all of them with `rebuild`), and imports into containerd each archive it has
 * not imported yet (recorded in `importedFile`, so a rebuilt archive under the same name is imported again).
 * Without a socket it only builds: `up` imports later. Carries on past a failed image; the error lists them all.
 */
export async function ensureImages(
  jobs: ImageJob[],
  opts: { socket?: string; importedFile?: string; rebuild?: boolean; onImage?: (ref: string, action: string) => void },
): Promise<void> {
  const present = opts.socket ? new Set(await listImages(opts.socket)) : new Set<string>();
  const imported: Record<string, string> = opts.importedFile ? JSON.parse(await readFile(opts.importedFile, 'utf8').catch(() => '{}')) : {};
  const failed: string[] = [];
  for (const job of jobs) {
    try {
      const built =
        opts.rebuild ||
        !(await access(job.archive).then(
          () => true,
          () => false,
        ));
      if (built) {
        await job.build(job.archive);
        await pruneArchives(job.archive);
      }
      if (opts.socket && (built || !present.has(job.ref) || imported[job.ref] !== job.archive)) {
        await importImage(opts.socket, job.archive, split(job.ref).repository);
        imported[job.ref] = job.archive;
        if (opts.importedFile) await writeFile(opts.importedFile, JSON.stringify(imported, null, 2) + '\n');
        opts.onImage?.(job.ref, built ? 'built and imported' : 'imported');
      } else if (built) opts.onImage?.(job.ref, 'built');
    } catch (err) {
      failed.push(`${job.ref}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failed.length) throw new Error(`could not build or import ${failed.length} image(s):\n${failed.map((f) => `  * ${f}`).join('\n')}`);
}
