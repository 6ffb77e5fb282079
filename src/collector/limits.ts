/**
 * Byte caps per artifact and per run (one PowerTool, all its pods), and the idle timeout of an upload.
 *
 * A cap is enforced while the body streams, so a client that sends no Content-Length cannot overrun it. What
 * crosses a cap is refused and what was accepted before is kept: a request whose declared Content-Length would
 * cross is refused whole (the artifact ends on one of the tool's own chunk boundaries); a body of unknown length is
 * kept up to the cap exactly. Either way the artifact is marked `capped`, later uploads to it are refused, and it
 * is finalised as partial: a gap in the middle of an artifact would be worse than a missing tail.
 */
export interface Limits {
  maxArtifactBytes: number;
  maxRunBytes: number;
  /** An upload not touched for this long is finalised as partial by the sweeper. */
  idleTimeoutMs: number;
}

export type Cap = 'artifact' | 'run';

export const defaultLimits: Limits = {
  maxArtifactBytes: 2 ** 30,
  maxRunBytes: 10 * 2 ** 30,
  idleTimeoutMs: 5 * 60_000,
};

/** How many more bytes fit, and which cap binds first. */
export function room(artifactBytes: number, runBytes: number, limits: Limits): { bytes: number; cap: Cap } {
  const forArtifact = limits.maxArtifactBytes - artifactBytes;
  const forRun = limits.maxRunBytes - runBytes;
  return forArtifact <= forRun ? { bytes: Math.max(0, forArtifact), cap: 'artifact' } : { bytes: Math.max(0, forRun), cap: 'run' };
}

/** Bytes stored per run (`<namespace>/<uid>`), finished and in progress, kept in memory beside the files. */
export class RunUsage {
  private readonly bytes = new Map<string, number>();

  get(run: string): number {
    return this.bytes.get(run) ?? 0;
  }

  add(run: string, delta: number): void {
    this.bytes.set(run, this.get(run) + delta);
  }
}

export function runKey(namespace: string, powerToolUID: string): string {
  return `${namespace}/${powerToolUID}`;
}

// Sweep often enough that an idle upload is finalised within about a quarter of its timeout after expiring.
export function sweepIntervalMs(idleTimeoutMs: number): number {
  return Math.min(30_000, Math.max(1000, Math.floor(idleTimeoutMs / 4)));
}
