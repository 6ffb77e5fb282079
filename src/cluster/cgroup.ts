import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every daemon `up` starts joins one v1 `pids` cgroup. Children inherit it, so containerd's shims (which re-parent
 * to PID 1 and are started by containerd, not by us) are still found by PID at `down`. Only directories are made
 * and removed here: the cgroup mounts themselves belong to the machine and are never touched.
 */
export const PIDS_ROOT = '/sys/fs/cgroup/pids';
export const TOE_CGROUP = join(PIDS_ROOT, 'toe');
/** Where the kubelet's cgroupfs driver puts every pod (cgroupsPerQOS). */
export const KUBEPODS = 'kubepods';

export async function ensureCgroup(path = TOE_CGROUP): Promise<void> {
  await mkdir(path, { recursive: true });
}

export async function joinCgroup(pid: number, path = TOE_CGROUP): Promise<void> {
  await writeFile(join(path, 'cgroup.procs'), `${pid}\n`);
}

/** All PIDs in a cgroup and its descendants; an absent cgroup has none. */
export async function pidsIn(path: string): Promise<number[]> {
  const out: number[] = [];
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  const procs = await readFile(join(path, 'cgroup.procs'), 'utf8').catch(() => '');
  out.push(...procs.split('\n').filter(Boolean).map(Number));
  for (const e of entries) if (e.isDirectory()) out.push(...(await pidsIn(join(path, e.name))));
  return out;
}

/** Removes a cgroup tree leaves first, in every v1 hierarchy; a cgroup still holding a process stays (EBUSY). */
export async function removeCgroupTree(name: string): Promise<string[]> {
  const left: string[] = [];
  const rm = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) await rm(join(dir, e.name));
    await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') left.push(dir);
    });
  };
  for (const h of await readdir('/sys/fs/cgroup', { withFileTypes: true })) {
    if (h.isDirectory() && h.name !== 'unified') await rm(join('/sys/fs/cgroup', h.name, name));
  }
  return left;
}
