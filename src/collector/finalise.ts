/**
 * Turning an upload into a finished artifact so that a crash at any moment leaves either the upload or the whole
 * artifact: fsync the data, write the sidecar to a temporary name and fsync it, rename both into place, then fsync
 * the directory so the renames themselves survive a power loss.
 *
 * A crash between the two renames leaves an artifact without a sidecar; readers then report it as partial with no
 * digest (see `readMeta`), which is the truth as far as anyone can tell.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { ArtifactPaths } from './paths.ts';
import type { Cap } from './limits.ts';

/** The sidecar `<artifact>.meta.json`. */
export interface ArtifactMeta {
  bytes: number;
  partial: boolean;
  /** Hex SHA-256 of the stored bytes; absent when the sidecar was lost. */
  sha256?: string;
  completedAt?: string;
  podUID?: string;
  /** Set when a byte cap refused data: the artifact is partial whatever the tool said. */
  capped?: Cap;
  /** `client`: the tool completed it; `idle-timeout`: the sweeper did, after the tool went quiet. */
  finalisedBy?: 'client' | 'idle-timeout';
}

export interface FinaliseInput {
  partial: boolean;
  podUID?: string;
  capped?: Cap;
  finalisedBy: 'client' | 'idle-timeout';
  now: Date;
}

export const DIR_MODE = 0o750;
export const FILE_MODE = 0o640;

export async function finalise(paths: ArtifactPaths, input: FinaliseInput): Promise<ArtifactMeta> {
  await mkdir(paths.dir, { recursive: true, mode: DIR_MODE });
  // Opening for append creates an empty upload when a tool completes an artifact it never wrote to.
  const data = await open(paths.upload, 'a', FILE_MODE);
  try {
    await data.sync();
  } finally {
    await data.close();
  }
  const meta: ArtifactMeta = {
    bytes: (await stat(paths.upload)).size,
    partial: input.partial || input.capped !== undefined,
    sha256: await sha256File(paths.upload),
    completedAt: input.now.toISOString(),
    ...(input.podUID ? { podUID: input.podUID } : {}),
    ...(input.capped ? { capped: input.capped } : {}),
    finalisedBy: input.finalisedBy,
  };
  await writeSynced(paths.metaTemp, JSON.stringify(meta) + '\n');
  await rename(paths.upload, paths.final);
  await rename(paths.metaTemp, paths.meta);
  await rm(paths.uploadState, { force: true });
  await syncDir(paths.dir);
  return meta;
}

/** The sidecar of a finished artifact; one whose sidecar is missing or unreadable counts as partial. */
export async function readMeta(paths: Pick<ArtifactPaths, 'final' | 'meta'>): Promise<ArtifactMeta> {
  const bytes = (await stat(paths.final)).size;
  try {
    const meta = JSON.parse(await readFile(paths.meta, 'utf8')) as ArtifactMeta;
    return { ...meta, bytes };
  } catch (err) {
    if (!isMissing(err) && !(err instanceof SyntaxError)) throw err;
    return { bytes, partial: true };
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: FILE_MODE, flush: true });
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
