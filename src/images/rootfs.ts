import { chmod, copyFile, cp, lstat, mkdir, readlink, realpath, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { exec, CommandError } from '../host/exec.ts';

/** Library paths from `ldd` output: "libx.so => /lib/libx.so (0x…)" and the loader's "/lib64/ld-linux….so.2 (0x…)". */
export function parseLdd(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (m?.[1]) out.add(m[1]);
  }
  return [...out];
}

/** Shared libraries a binary loads; a static binary has none ("not a dynamic executable" exits non-zero). */
export async function libraryClosure(binary: string): Promise<string[]> {
  try {
    return parseLdd(await exec('ldd', [binary]));
  } catch (err) {
    if (err instanceof CommandError && /not a dynamic executable|statically linked/.test(err.output)) return [];
    throw new Error(`find the libraries of ${binary}`, { cause: err });
  }
}

/**
 * Copies a host path to the same path under root, keeping a symlink as a symlink and its target too. Refuses to
 * write through a symlink that leads out of the rootfs (an absolute link copied earlier would point at the host).
 */
export async function copyHostPath(root: string, path: string): Promise<void> {
  const dest = join(root, path);
  await mkdir(dirname(dest), { recursive: true });
  const parent = await realpath(dirname(dest));
  const rootReal = await realpath(root);
  if (parent !== rootReal && !parent.startsWith(`${rootReal}/`))
    throw new Error(`copy ${path}: its folder leads out of the image root (${parent})`);
  const st = await lstat(path);
  if (st.isSymbolicLink()) {
    await symlink(await readlink(path), dest).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    const target = await realpath(path);
    if (target !== path) await copyHostPath(root, target);
  } else if (st.isDirectory()) {
    await cp(path, dest, { recursive: true, verbatimSymlinks: true });
  } else {
    await copyFile(path, dest);
    await chmod(dest, st.mode & 0o7777);
  }
}

/** Copies binaries and every library they load, so they run in a rootfs with no package manager. */
export async function copyWithLibraries(root: string, binaries: string[]): Promise<void> {
  const all = new Set<string>();
  for (const b of binaries) {
    all.add(b);
    for (const lib of await libraryClosure(b)) all.add(lib);
  }
  for (const p of all) await copyHostPath(root, p);
}

/**
 * The host's merged-/usr links (bin → usr/bin, lib64 → usr/lib64, …) recreated in the rootfs. Libraries are copied
 * under the paths ldd names, and the loader's own links (lib64/ld-linux… → /lib/x86_64-linux-gnu/…) only resolve
 * if the image has the same layout as the host they came from.
 */
async function mirrorTopLevelLinks(root: string): Promise<void> {
  for (const d of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const st = await lstat(`/${d}`).catch(() => undefined);
    if (!st?.isSymbolicLink()) continue;
    const target = await readlink(`/${d}`);
    if (target.startsWith('/')) continue;
    await mkdir(join(root, target), { recursive: true });
    await symlink(target, join(root, d));
  }
}

/** A minimal userland: busybox-static with its applets as symlinks, users, and the usual empty folders. */
export async function busyboxRoot(root: string): Promise<void> {
  await mirrorTopLevelLinks(root);
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'proc', 'sys', 'dev', 'run'])
    await mkdir(join(root, d), { recursive: true });
  for (const d of ['tmp', 'var/tmp']) {
    await mkdir(join(root, d), { recursive: true });
    await chmod(join(root, d), 0o1777);
  }
  await copyFile('/bin/busybox', join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  const applets = (await exec('/bin/busybox', ['--list'])).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) await symlink('busybox', join(root, 'bin', a)).catch(() => undefined);
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  await writeFile(join(root, 'etc/nsswitch.conf'), 'hosts: files dns\npasswd: files\ngroup: files\n');
}
