import { access } from 'node:fs/promises';
import { exec } from '../host/exec.ts';

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
