import { isRunning } from './daemon.ts';
import type { Layout } from './layout.ts';
import { readState } from './state.ts';
import { DAEMONS, type Mode } from './modes.ts';
import { INGRESS_CLASS, network, ports } from './settings.ts';

export interface ComponentStatus {
  name: string;
  pid: number;
  running: boolean;
  log: string;
}

export interface ClusterStatus {
  /** `running`: every component of its mode runs; `degraded`: some do not; `stopped`: no state. */
  phase: 'running' | 'degraded' | 'stopped';
  mode?: Mode;
  kubernetesVersion?: string;
  corednsVersion?: string;
  traefikVersion?: string;
  /** Where the Ingress controller listens, and the IngressClass it serves (full node only). */
  ingress?: { http: string; https: string; ingressClass: string };
  startedAt?: string;
  kubeconfig: string;
  components: ComponentStatus[];
}

export async function status(l: Layout): Promise<ClusterStatus> {
  const state = await readState(l.stateFile);
  if (!state) return { phase: 'stopped', kubeconfig: l.kubeconfig, components: [] };
  const components: ComponentStatus[] = [];
  for (const [name, rec] of Object.entries(state.daemons))
    components.push({ name, pid: rec.pid, running: await isRunning(rec), log: rec.log });
  const up = DAEMONS[state.mode].every((d) => components.some((c) => c.name === d && c.running));
  return {
    phase: up ? 'running' : 'degraded',
    mode: state.mode,
    kubernetesVersion: state.kubernetesVersion,
    corednsVersion: state.corednsVersion,
    traefikVersion: state.traefikVersion,
    ...(state.mode === 'node'
      ? {
          ingress: {
            http: `http://${network.nodeIp}:${ports.ingressHttp}`,
            https: `https://${network.nodeIp}:${ports.ingressHttps}`,
            ingressClass: INGRESS_CLASS,
          },
        }
      : {}),
    startedAt: state.startedAt,
    kubeconfig: l.kubeconfig,
    components,
  };
}

export function formatStatus(s: ClusterStatus): string {
  if (s.phase === 'stopped') return `cluster: stopped\nkubeconfig: ${s.kubeconfig} (stale until the next \`toe cluster up\`)\n`;
  const lines = [
    `cluster: ${s.phase} (${s.mode === 'node' ? 'single node' : 'API server only'}) since ${s.startedAt}`,
    `kubernetes: ${s.kubernetesVersion}   coredns: ${s.corednsVersion}${s.traefikVersion ? `   traefik: ${s.traefikVersion}` : ''}`,
    `kubeconfig: ${s.kubeconfig}`,
    ...(s.ingress ? [`ingress: ${s.ingress.http} and ${s.ingress.https} (IngressClass ${s.ingress.ingressClass}, the default)`] : []),
    '',
    `${'COMPONENT'.padEnd(24)} ${'PID'.padEnd(8)} ${'STATE'.padEnd(8)} LOG`,
    ...s.components.map((c) => `${c.name.padEnd(24)} ${String(c.pid).padEnd(8)} ${(c.running ? 'running' : 'exited').padEnd(8)} ${c.log}`),
  ];
  return lines.join('\n') + '\n';
}
