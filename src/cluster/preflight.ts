import { access } from 'node:fs/promises';
import { connect } from 'node:net';
import type { ClusterState } from './state.ts';
import { isRunning } from './daemon.ts';
import { PIDS_ROOT } from './cgroup.ts';
import { network, ports } from './settings.ts';
import { succeeds } from '../host/exec.ts';
import { mayProbe } from './routes.ts';

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (!mayProbe(host)) {
      resolve(false);
      return;
    }
    const s = connect({ host, port, timeout: 500 });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/**
 * Everything `up` can check before its first side effect, as kind's create does: one message per problem,
 * each saying what to do. Ports held by our own running components are fine.
 */
export async function preflight(mode: 'apiserver' | 'node', state: ClusterState | undefined): Promise<string[]> {
  const problems: string[] = [];
  if (process.getuid?.() !== 0)
    problems.push('toe cluster needs root (it starts containerd, the kubelet and changes network settings): run it as root');
  if (process.platform !== 'linux') problems.push('toe cluster runs on Linux only');
  if (
    mode === 'node' &&
    !(await access(`${PIDS_ROOT}/cgroup.procs`).then(
      () => true,
      () => false,
    ))
  ) {
    problems.push(`no cgroup v1 pids hierarchy at ${PIDS_ROOT}: this machine layout is not supported`);
  }
  if (!(await succeeds('go', ['version'])))
    problems.push('Go is needed to build Kubernetes from its modules: install Go 1.24 or newer and put it on PATH');
  const ours = async (name: string): Promise<boolean> => isRunning(state?.daemons[name]);
  const checks: [string, string, number][] = [
    ['etcd', '127.0.0.1', ports.etcdClient],
    ['etcd', '127.0.0.1', ports.etcdPeer],
  ];
  if (mode === 'node') {
    checks.push(
      ['kubelet', '127.0.0.1', 10248],
      ['kube-proxy', '127.0.0.1', 10256],
      ['kube-controller-manager', '127.0.0.1', 10257],
      ['kube-scheduler', '127.0.0.1', 10259],
      ['traefik', '127.0.0.1', ports.ingressPing],
      ['traefik', network.nodeIp, ports.ingressHttp],
      ['traefik', network.nodeIp, ports.ingressHttps],
    );
  }
  for (const [name, host, port] of checks) {
    if (!(await ours(name)) && (await answers(host, port)))
      problems.push(`port ${host}:${port} (for ${name}) is in use by another program: stop it first`);
  }
  // answers() skips the node address while the bridge is absent: nothing can listen there then.
  if (!(await ours('kube-apiserver')) && (await answers(network.nodeIp, ports.apiserver))) {
    problems.push(`${network.nodeIp}:${ports.apiserver} answers but is not our API server: stop what listens there`);
  }
  return problems;
}
