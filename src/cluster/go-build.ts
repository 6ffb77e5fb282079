import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from '../host/exec.ts';
import { withLock } from './lock.ts';

/**
 * The environment for every Go build: no cgo (the binaries run on any glibc and need no compiler), the installed
 * toolchain only (no download), and no VCS stamping (the build dirs are not repositories).
 */
export function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false' };
}

export async function allExist(paths: string[]): Promise<boolean> {
  for (const p of paths)
    if (
      !(await access(p).then(
        () => true,
        () => false,
      ))
    )
      return false;
  return true;
}

/** A cold build of Kubernetes on two busy cores can take this long; a builder waits for another this long. */
const BUILD_WAIT_MS = 90 * 60_000;

/**
 * Builds `outputs` in `dir` with `build` unless they exist, one builder at a time: the test run prebuilds in the
 * background while a suite or `toe cluster up` may need the same binary, and two `go build`s into one output
 * would race. The one that waits finds the outputs there and returns.
 */
export async function buildOnce(dir: string, outputs: string[], build: () => Promise<void>): Promise<void> {
  if (await allExist(outputs)) return;
  await withLock(join(dir, '.build.lock'), BUILD_WAIT_MS, async () => {
    if (!(await allExist(outputs))) await build();
  });
}

/** Where the Go module cache stores a module's go.mod (downloads it if needed). */
export async function moduleGoModPath(modulePath: string, version: string, cwd: string): Promise<string> {
  const info = JSON.parse(await exec('go', ['mod', 'download', '-json', `${modulePath}@${version}`], { env: goEnv(), cwd })) as {
    GoMod?: string;
    Error?: string;
  };
  if (!info.GoMod) throw new Error(`download ${modulePath}@${version}: ${info.Error ?? 'no go.mod'}`);
  return info.GoMod;
}

export async function goVersion(): Promise<string> {
  return (await exec('go', ['env', 'GOVERSION'], { env: goEnv() })).trim();
}
