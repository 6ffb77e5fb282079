import { join } from 'node:path';

/**
 * Where a TOE cluster keeps things. Everything it writes at run time lives under one state root, so that `down`
 * can find every mount it left by prefix and a purge is one `rm -rf`; slow build outputs live under the cache root,
 * keyed by version, so a second `up` starts in seconds.
 */
export interface Layout {
  stateDir: string;
  cacheDir: string;
  runDir: string;
  logDir: string;
  pkiDir: string;
  stateFile: string;
  kubeconfig: string;
  etcdDir: string;
  kubeletDir: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  cniConfDir: string;
  cniDataDir: string;
  imagesDir: string;
}

export function layout(env: NodeJS.ProcessEnv = process.env): Layout {
  const stateDir = env.TOE_STATE_DIR || '/var/lib/toe';
  const cacheDir = env.TOE_CACHE_DIR || '/var/cache/toe';
  // /run is not a tmpfs on these machines, so a run dir under the state root loses nothing and keeps one prefix.
  const runDir = join(stateDir, 'run');
  return {
    stateDir,
    cacheDir,
    runDir,
    logDir: join(stateDir, 'logs'),
    pkiDir: join(stateDir, 'pki'),
    stateFile: join(stateDir, 'state.json'),
    kubeconfig: join(stateDir, 'kubeconfig'),
    etcdDir: join(stateDir, 'etcd'),
    kubeletDir: join(stateDir, 'kubelet'),
    containerdRoot: join(stateDir, 'containerd'),
    containerdState: join(runDir, 'containerd'),
    containerdSocket: join(runDir, 'containerd', 'containerd.sock'),
    cniConfDir: join(stateDir, 'cni', 'net.d'),
    cniDataDir: join(stateDir, 'cni', 'networks'),
    imagesDir: join(cacheDir, 'images'),
  };
}
