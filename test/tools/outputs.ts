/** Where entrypoint tests let tools write, and how they read logs-mode output back. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary output volume for TOE_OUTPUT_MODE=pvc; returns the run's folder (TOE_OUTPUT_DIR/run-1/pod-1). */
export function outputDir(): { dir: string; runDir: string; files: () => string[]; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'toe-out-'));
  const runDir = join(dir, 'run-1', 'pod-1');
  return {
    dir,
    runDir,
    files: () => (existsSync(runDir) ? readdirSync(runDir).sort() : []),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A tmpfs of the given size mounted on a fresh folder, as a small volume. */
export function tmpfsVolume(size: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'toe-vol-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path]);
  if (r.status !== 0) throw new Error(`mount tmpfs on ${path}: ${r.stderr.toString()}`);
  return {
    path,
    remove: () => {
      spawnSync('umount', [path]);
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** Parses logs-mode output into artifacts (concatenating blocks), with the last block's partial flag. */
export function logArtifacts(stdout: string): Map<string, { text: string; partial: boolean; blocks: number }> {
  const out = new Map<string, { text: string; partial: boolean; blocks: number }>();
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const begin = /^TOE-ARTIFACT-BEGIN (\S+)$/.exec(lines[i] as string);
    if (!begin) continue;
    const name = begin[1] as string;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] as string).startsWith(`TOE-ARTIFACT-END ${name} `); j++) body.push(lines[j] as string);
    const [, , bytes, partial] = (lines[j] ?? '').split(' ');
    const text = body.length > 0 ? `${body.join('\n')}\n`.slice(0, Number(bytes)) : '';
    const prev = out.get(name) ?? { text: '', partial: true, blocks: 0 };
    out.set(name, { text: prev.text + text, partial: partial === 'true', blocks: prev.blocks + 1 });
    i = j;
  }
  return out;
}
