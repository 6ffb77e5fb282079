import { isRunning } from './daemon.ts';
import type { Layout } from './layout.ts';
import { readState } from './state.ts';
import { DAEMONS, type Mode } from './modes.ts';

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
  startedAt?: string;
  kubeconfig: string;
  components: ComponentStatus[];
}

export async function status(l: Layout): Promise<ClusterStatus> {
  const state = await readState(l.stateFile);
  if (!state) return { phase: 'stopped', kubeconfig: l.kubeconfig, components: [] };
  const components: ComponentStatus[] = [];
  for (const [name, rec] of Object.entries(state.daemons)) components.push({ name, pid: rec.pid, running: await isRunning(rec), log: rec.log });
  const up = DAEMONS[state.mode].every((d) => components.some((c) => c.name === d && c.running));
  return {
    phase: up ? 'running' : 'degraded',
    mode: state.mode,
    kubernetesVersion: state.kubernetesVersion,
    corednsVersion: state.corednsVersion,
    startedAt: state.startedAt,
    kubeconfig: l.kubeconfig,
    components,
  };
}

export function formatStatus(s: ClusterStatus): string {
  if (s.phase === 'stopped') return `cluster: stopped\nkubeconfig: ${s.kubeconfig} (stale until the next \`toe cluster up\`)\n`;
  const lines = [
    `cluster: ${s.phase} (${s.mode === 'node' ? 'single node' : 'API server only'}) since ${s.startedAt}`,
    `kubernetes: ${s.kubernetesVersion}   coredns: ${s.corednsVersion}`,
    `kubeconfig: ${s.kubeconfig}`,
    '',
    `${'COMPONENT'.padEnd(24)} ${'PID'.padEnd(8)} ${'STATE'.padEnd(8)} LOG`,
    ...s.components.map((c) => `${c.name.padEnd(24)} ${String(c.pid).padEnd(8)} ${(c.running ? 'running' : 'exited').padEnd(8)} ${c.log}`),
  ];
  return lines.join('\n') + '\n';
}
