import { readFile } from 'node:fs/promises';
import { exec } from '../host/exec.ts';

export interface MountEntry {
  mountPoint: string;
  optional: string;
}

/** Parses /proc/self/mountinfo: field 5 is the mount point (octal-escaped), fields 7.. up to "-" the optional tags. */
export function parseMountinfo(text: string): MountEntry[] {
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(' ');
      const dash = f.indexOf('-');
      return { mountPoint: unescape(f[4] ?? ''), optional: f.slice(6, dash).join(' ') };
    });
}

export async function mounts(): Promise<MountEntry[]> {
  return parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** Mount points at or under any of the roots, deepest first: the order to unmount them in. */
export function mountsUnder(all: MountEntry[], roots: string[]): string[] {
  const under = (m: string): boolean => roots.some((r) => m === r || m.startsWith(r.endsWith('/') ? r : `${r}/`));
  const points = [...new Set(all.map((m) => m.mountPoint).filter(under))];
  return points.sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

/** Unmounts, falling back to a lazy unmount for a mount still busy (a process that is dying keeps it open). */
export async function unmount(point: string): Promise<void> {
  try {
    await exec('umount', [point]);
  } catch {
    await exec('umount', ['-l', point]);
  }
}
