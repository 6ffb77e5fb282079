/**
 * Reading the data directory: once at start-up (uploads in progress and bytes per run, so that caps and the idle
 * sweeper survive a restart) and per request for the read API. Names that the collector would never have written
 * are skipped, not trusted.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  artifactOfUpload,
  artifactPaths,
  checkArtifactName,
  checkNamespace,
  checkPodName,
  checkUID,
  passes,
  runDir,
  type Owner,
} from './paths.ts';
import { isMissing, readMeta, type ArtifactMeta } from './finalise.ts';
import { runKey, type Cap } from './limits.ts';

/** The sidecar of an upload in progress: which pod started it, and whether a cap already refused data. */
export interface UploadState {
  podUID?: string;
  capped?: Cap;
}

export interface ScannedUpload {
  owner: Owner;
  artifact: string;
  bytes: number;
  touchedAt: number;
  state: UploadState;
}

export interface Scan {
  uploads: ScannedUpload[];
  runBytes: Map<string, number>;
}

export async function scanDataDir(dataDir: string): Promise<Scan> {
  const scan: Scan = { uploads: [], runBytes: new Map() };
  for (const namespace of await dirs(dataDir, checkNamespace)) {
    for (const powerToolUID of await dirs(join(dataDir, namespace), checkUID)) {
      let total = 0;
      for (const podName of await dirs(join(dataDir, namespace, powerToolUID), checkPodName)) {
        const owner = { namespace, powerToolUID, podName };
        const dir = join(dataDir, namespace, powerToolUID, podName);
        for (const file of await readdir(dir)) {
          const uploading = artifactOfUpload(file);
          if (uploading !== undefined) {
            const info = await stat(join(dir, file));
            const paths = artifactPaths(dataDir, owner, uploading);
            scan.uploads.push({
              owner,
              artifact: uploading,
              bytes: info.size,
              touchedAt: info.mtimeMs,
              state: await readUploadState(paths.uploadState),
            });
            total += info.size;
          } else if (passes(checkArtifactName, file)) {
            total += (await stat(join(dir, file))).size;
          }
        }
      }
      scan.runBytes.set(runKey(namespace, powerToolUID), total);
    }
  }
  return scan;
}

export async function readUploadState(path: string): Promise<UploadState> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as UploadState;
  } catch (err) {
    if (isMissing(err) || err instanceof SyntaxError) return {};
    throw err;
  }
}

/** One entry of `GET /v1/runs/<namespace>/<uid>`. */
export interface ListedArtifact extends ArtifactMeta {
  pod: string;
  name: string;
  state: 'complete' | 'uploading';
}

export async function listRun(dataDir: string, namespace: string, powerToolUID: string): Promise<ListedArtifact[]> {
  const base = runDir(dataDir, namespace, powerToolUID);
  const out: ListedArtifact[] = [];
  for (const pod of await dirs(base, checkPodName)) {
    const owner = { namespace, powerToolUID, podName: pod };
    for (const file of (await readdir(join(base, pod))).sort()) {
      try {
        const uploading = artifactOfUpload(file);
        if (uploading !== undefined) {
          const paths = artifactPaths(dataDir, owner, uploading);
          const state = await readUploadState(paths.uploadState);
          const bytes = (await stat(paths.upload)).size;
          out.push({ pod, name: uploading, state: 'uploading', bytes, partial: true, ...state });
        } else if (passes(checkArtifactName, file)) {
          out.push({ pod, name: file, state: 'complete', ...(await readMeta(artifactPaths(dataDir, owner, file))) });
        }
      } catch (err) {
        // An upload completed between readdir and stat: it appears under its final name in the same listing.
        if (!isMissing(err)) throw err;
      }
    }
  }
  return out;
}

/** Sub-directories whose names pass `check`; a missing directory has none. */
async function dirs(path: string, check: (name: string) => string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .filter((name) => passes(check, name))
    .sort();
}
