/** The CPU-bound sample app (samples/apps/cpu-hot), built and run the way a container runs its image. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('../..', import.meta.url).pathname;
// Builds and mount points for this test process, removed when it exits (the mounts go with their namespaces).
let scratch: string | undefined;
function scratchDir(name: string): string {
  if (!scratch) {
    const dir = mkdtempSync(join(tmpdir(), 'toe-hot-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return mkdtempSync(join(scratch, `${name}-`));
}

/**
 * Builds samples/apps/cpu-hot (the CPU-bound sample app) with gcc into a temporary folder; returns the binary, or
 * undefined when gcc (or a static libc) is missing.
 */
export function buildHotApp(): string | undefined {
  const dir = scratchDir('build');
  const out = join(dir, 'toe-demo-hot');
  const r = spawnSync('gcc', ['-O0', '-g', '-fno-omit-frame-pointer', '-static', '-o', out, join(repo, 'samples/apps/cpu-hot/main.c')]);
  return r.status === 0 ? out : undefined;
}

/**
 * The command for a target that runs BINARY from a tmpfs mounted in its own mount namespace only, so that the
 * binary's path exists for the target and not for the tool (as in a container image).
 */
export function privateBinaryCommand(binary: string, args: string[] = []): { cmd: string[]; comm: string } {
  const dir = scratchDir('app');
  const name = binary.split('/').pop() as string;
  const script = `mount -t tmpfs tmpfs "$1" && cp "$2" "$1/${name}" && shift 2 && exec "$0" "$@"`;
  return { cmd: ['/bin/sh', '-c', script, join(dir, name), dir, binary, ...args], comm: name.slice(0, 15) };
}
