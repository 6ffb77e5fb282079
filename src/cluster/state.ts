import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A process `up` started: the start time from /proc guards against a recycled PID when `down` signals it. */
export interface DaemonRecord {
  pid: number;
  startTime: string;
  command: string[];
  log: string;
}

/** What a running cluster is made of: `down` undoes exactly this, `status` reports it. */
export interface ClusterState {
  kubernetesVersion: string;
  corednsVersion: string;
  /** The Ingress controller's version (full node only; absent in states written before it existed). */
  traefikVersion?: string;
  /** `apiserver`: etcd + kube-apiserver only (integration tests); `node`: the full single-node cluster. */
  mode: 'apiserver' | 'node';
  startedAt: string;
  daemons: Record<string, DaemonRecord>;
  /** Mount points `up` made itself, outermost first. */
  mounts: string[];
  /** Kernel settings `up` changed, with the value found before, so `down` can put them back. */
  sysctls: Record<string, string>;
  /** Network links `up` created. */
  links: string[];
}

export function emptyState(kubernetesVersion: string, corednsVersion: string): ClusterState {
  return {
    kubernetesVersion,
    corednsVersion,
    mode: 'apiserver',
    startedAt: new Date().toISOString(),
    daemons: {},
    mounts: [],
    sysctls: {},
    links: [],
  };
}

export async function readState(file: string): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ClusterState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`read cluster state ${file}`, { cause: err });
  }
}

/** Written after every change, atomically, so an interrupted `up` still leaves `down` a complete list. */
export async function writeState(file: string, state: ClusterState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}
