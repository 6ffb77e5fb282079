/** A "pod" of cgroups for the entrypoint tests: sibling target and tool containers under one pod cgroup (v1). */
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Sibling cgroups of one "pod" (cpuacct and memory, cgroup v1), like a pod's container cgroups. */
export class PodCgroups {
  readonly dirs: string[] = [];
  constructor(memoryLimitBytes?: number) {
    const id = `toe-test-${process.pid}-${Date.now().toString(36)}`;
    const own = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .map((l) => l.split(':'));
    for (const ctrl of ['cpuacct', 'memory']) {
      const path = own.find((f) => f[1]?.split(',').includes(ctrl))?.[2] ?? '/';
      const pod = join('/sys/fs/cgroup', ctrl, path, id);
      mkdirSync(pod);
      this.dirs.push(pod);
      if (ctrl === 'memory' && memoryLimitBytes) writeFileSync(join(pod, 'memory.limit_in_bytes'), String(memoryLimitBytes));
      for (const c of ['target', 'tool']) mkdirSync(join(pod, c));
    }
  }
  procs(container: 'target' | 'tool'): string[] {
    return this.dirs.map((d) => join(d, container, 'cgroup.procs'));
  }
  file(ctrl: 'cpuacct' | 'memory', container: 'target' | 'tool', name: string): string {
    return join(this.dirs.find((d) => d.includes(`/${ctrl}/`)) as string, container, name);
  }
  remove(): void {
    for (const pod of this.dirs) {
      for (const c of ['target', 'tool']) rmdirQuiet(join(pod, c));
      rmdirQuiet(pod);
    }
  }
}

function rmdirQuiet(dir: string): void {
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      spawnSync('sleep', ['0.1']);
    }
  }
}
