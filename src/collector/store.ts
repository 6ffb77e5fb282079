/**
 * The collector's files: resumable uploads appended at exact offsets, atomic completion, byte caps, the idle sweep,
 * and reads for the report side. Paths come only from the verified identity (paths.ts).
 *
 * State lives on disk (`.<artifact>.upload` plus a small `.upload.json`) and in memory (offsets, run totals, who is
 * writing); the memory is rebuilt from disk at start-up, so a restarted collector resumes uploads and still
 * finalises idle ones. One collector process owns a data directory: locks are in memory.
 */
import { constants } from 'node:fs';
import { mkdir, open, writeFile, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { artifactPaths, type ArtifactPaths, type Owner } from './paths.ts';
import { DIR_MODE, FILE_MODE, finalise, isMissing, readMeta, type ArtifactMeta } from './finalise.ts';
import { room, RunUsage, runKey, type Cap, type Limits } from './limits.ts';
import { listRun, scanDataDir, type ListedArtifact, type UploadState } from './scan.ts';

/** The verified writer: the pod's UID guards against a recreated pod with the same name resuming another's upload. */
export interface Writer extends Owner {
  podUID: string;
}

interface Upload {
  owner: Owner;
  artifact: string;
  paths: ArtifactPaths;
  run: string;
  bytes: number;
  touchedAt: number;
  state: UploadState;
  /** The request body streaming in, so the sweeper can end a stalled one. */
  body?: Readable;
}

export type AppendOutcome =
  | { kind: 'accepted'; offset: number }
  | { kind: 'conflict'; offset: number; complete: boolean; reason: string }
  | { kind: 'capped'; offset: number; cap: Cap }
  | { kind: 'aborted'; offset: number };

export type CompleteOutcome =
  { kind: 'completed'; meta: ArtifactMeta; already: boolean } | { kind: 'conflict'; offset: number; reason: string };

export interface Finalised {
  owner: Owner;
  artifact: string;
  meta: ArtifactMeta;
}

export class Store {
  private readonly uploads = new Map<string, Upload>();
  private readonly locks = new Set<string>();
  private readonly usage = new RunUsage();

  private constructor(
    readonly dataDir: string,
    readonly limits: Limits,
    private readonly now: () => number,
  ) {}

  static async open(dataDir: string, limits: Limits, now: () => number = Date.now): Promise<Store> {
    await mkdir(dataDir, { recursive: true, mode: DIR_MODE });
    const store = new Store(resolve(dataDir), limits, now);
    const scan = await scanDataDir(store.dataDir);
    for (const [run, bytes] of scan.runBytes) store.usage.add(run, bytes);
    for (const u of scan.uploads) {
      const paths = artifactPaths(store.dataDir, u.owner, u.artifact);
      store.uploads.set(paths.final, { ...u, paths, run: runKey(u.owner.namespace, u.owner.powerToolUID) });
    }
    return store;
  }

  /** Where the next byte of an artifact goes, and whether it is already complete (`HEAD`). */
  async offset(owner: Owner, artifact: string): Promise<{ offset: number; complete: boolean; partial?: boolean }> {
    const paths = artifactPaths(this.dataDir, owner, artifact);
    const upload = this.uploads.get(paths.final);
    if (upload) return { offset: upload.bytes, complete: false };
    const meta = await this.finished(paths);
    return meta ? { offset: meta.bytes, complete: true, partial: meta.partial } : { offset: 0, complete: false };
  }

  /**
   * Appends `body` at `offset`, which must equal the bytes already stored (else a conflict naming the right one).
   * `beforeRead` runs once the body is accepted and about to be read: the caller answers `Expect: 100-continue` there.
   */
  async append(
    writer: Writer,
    artifact: string,
    offset: number,
    body: Readable,
    declaredLength?: number,
    beforeRead?: () => void,
  ): Promise<AppendOutcome> {
    const paths = artifactPaths(this.dataDir, writer, artifact);
    const key = paths.final;
    const current = this.uploads.get(key)?.bytes ?? 0;
    if (this.locks.has(key))
      return { kind: 'conflict', offset: current, complete: false, reason: 'another request is writing this artifact' };
    this.locks.add(key);
    // A body that fails before we start reading it must not become an uncaught 'error'; the read loop sees it.
    const ignore = (): void => undefined;
    body.on('error', ignore);
    try {
      const done = await this.finished(paths);
      if (done) return { kind: 'conflict', offset: done.bytes, complete: true, reason: 'the artifact is already complete' };
      let upload = this.uploads.get(key);
      if (upload?.state.podUID !== undefined && upload.state.podUID !== writer.podUID) {
        return { kind: 'conflict', offset: current, complete: false, reason: 'the upload was started by another pod with the same name' };
      }
      if (offset !== current) return { kind: 'conflict', offset: current, complete: false, reason: `the upload is at offset ${current}` };
      if (upload?.state.capped) return { kind: 'capped', offset: current, cap: upload.state.capped };
      if (!upload) {
        await mkdir(paths.dir, { recursive: true, mode: DIR_MODE });
        upload = { owner: writer, artifact, paths, run: runKey(writer.namespace, writer.powerToolUID), bytes: 0, touchedAt: 0, state: {} };
        this.uploads.set(key, upload);
      }
      if (upload.state.podUID === undefined) await this.saveState(upload, { ...upload.state, podUID: writer.podUID });
      upload.touchedAt = this.now();
      return await this.receive(upload, body, declaredLength, beforeRead);
    } finally {
      body.off('error', ignore);
      this.locks.delete(key);
    }
  }

  /** Finalises an artifact (idempotent: a finished one is returned as it is). */
  async complete(writer: Writer, artifact: string, partial: boolean): Promise<CompleteOutcome> {
    const paths = artifactPaths(this.dataDir, writer, artifact);
    const key = paths.final;
    const upload = this.uploads.get(key);
    if (this.locks.has(key)) return { kind: 'conflict', offset: upload?.bytes ?? 0, reason: 'a request is still writing this artifact' };
    this.locks.add(key);
    try {
      const done = await this.finished(paths);
      if (done) return { kind: 'completed', meta: done, already: true };
      if (upload?.state.podUID !== undefined && upload.state.podUID !== writer.podUID) {
        return { kind: 'conflict', offset: upload.bytes, reason: 'the upload was started by another pod with the same name' };
      }
      const meta = await finalise(paths, {
        partial,
        podUID: writer.podUID,
        capped: upload?.state.capped,
        finalisedBy: 'client',
        now: new Date(this.now()),
      });
      this.uploads.delete(key);
      return { kind: 'completed', meta, already: false };
    } finally {
      this.locks.delete(key);
    }
  }

  /**
   * Finalises as partial every upload untouched for the idle timeout, so a tool killed mid-stream still leaves an
   * artifact. A request that stalls (a peer that vanished without closing) is ended first and finalised next time.
   */
  async sweep(now: number = this.now()): Promise<{ finalised: Finalised[]; failed: { artifact: string; error: unknown }[] }> {
    const finalised: Finalised[] = [];
    const failed: { artifact: string; error: unknown }[] = [];
    for (const [key, upload] of [...this.uploads]) {
      if (now - upload.touchedAt < this.limits.idleTimeoutMs) continue;
      if (this.locks.has(key)) {
        upload.body?.destroy(new Error('upload idle timeout'));
        continue;
      }
      this.locks.add(key);
      try {
        const meta = await finalise(upload.paths, {
          partial: true,
          podUID: upload.state.podUID,
          capped: upload.state.capped,
          finalisedBy: 'idle-timeout',
          now: new Date(now),
        });
        this.uploads.delete(key);
        finalised.push({ owner: upload.owner, artifact: upload.artifact, meta });
      } catch (error) {
        failed.push({ artifact: key, error });
      } finally {
        this.locks.delete(key);
      }
    }
    return { finalised, failed };
  }

  async list(namespace: string, powerToolUID: string): Promise<ListedArtifact[]> {
    return listRun(this.dataDir, namespace, powerToolUID);
  }

  /** A finished artifact's file and sidecar; `uploading` while it is still being written. */
  async read(owner: Owner, artifact: string): Promise<{ path: string; meta: ArtifactMeta } | 'uploading' | undefined> {
    const paths = artifactPaths(this.dataDir, owner, artifact);
    const meta = await this.finished(paths);
    if (meta) return { path: paths.final, meta };
    return this.uploads.has(paths.final) ? 'uploading' : undefined;
  }

  /** Bytes stored for a run, finished and in progress (what `--max-run-bytes` limits). */
  runBytes(namespace: string, powerToolUID: string): number {
    return this.usage.get(runKey(namespace, powerToolUID));
  }

  private async receive(
    upload: Upload,
    body: Readable,
    declaredLength: number | undefined,
    beforeRead: (() => void) | undefined,
  ): Promise<AppendOutcome> {
    const file = await open(upload.paths.upload, constants.O_WRONLY | constants.O_CREAT, FILE_MODE);
    upload.body = body;
    try {
      const fits = room(upload.bytes, this.usage.get(upload.run), this.limits);
      if (declaredLength !== undefined && declaredLength > fits.bytes) return await this.cap(upload, fits.cap);
      beforeRead?.();
      // Leaving the loop must not destroy the request: the caller still has to answer it (413).
      for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        const left = room(upload.bytes, this.usage.get(upload.run), this.limits);
        const take = Math.min(chunk.length, left.bytes);
        if (take > 0) await this.write(upload, file, chunk.subarray(0, take));
        upload.touchedAt = this.now();
        if (take < chunk.length) return await this.cap(upload, left.cap);
      }
      return { kind: 'accepted', offset: upload.bytes };
    } catch (err) {
      if (err instanceof WriteFailed) throw err.cause;
      // The client went away or the sweeper ended a stalled body: what was written stays, ready to resume.
      return { kind: 'aborted', offset: upload.bytes };
    } finally {
      upload.body = undefined;
      await file.utimes(upload.touchedAt / 1000, upload.touchedAt / 1000).catch(() => undefined);
      await file.close();
    }
  }

  private async write(upload: Upload, file: FileHandle, data: Buffer): Promise<void> {
    // Reserve first: concurrent uploads of one run must not both fit into the same remaining room.
    this.usage.add(upload.run, data.length);
    try {
      for (let done = 0; done < data.length;) done += (await file.write(data, done, data.length - done, upload.bytes + done)).bytesWritten;
      upload.bytes += data.length;
    } catch (err) {
      this.usage.add(upload.run, -data.length);
      await file.truncate(upload.bytes).catch(() => undefined);
      throw new WriteFailed(err);
    }
  }

  private async cap(upload: Upload, cap: Cap): Promise<AppendOutcome> {
    await this.saveState(upload, { ...upload.state, capped: cap });
    return { kind: 'capped', offset: upload.bytes, cap };
  }

  private async saveState(upload: Upload, state: UploadState): Promise<void> {
    await writeFile(upload.paths.uploadState, JSON.stringify(state) + '\n', { mode: FILE_MODE });
    upload.state = state;
  }

  private async finished(paths: ArtifactPaths): Promise<ArtifactMeta | undefined> {
    try {
      return await readMeta(paths);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }
}

class WriteFailed extends Error {
  constructor(cause: unknown) {
    super('write failed', { cause });
  }
}
