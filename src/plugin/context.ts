import type { KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig, makeClients, type Clients } from '../kube/client.ts';

/** The flags kubectl users expect of every plugin verb: where to look. */
export const commonOptions = {
  namespace: { type: 'string', short: 'n' },
  context: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export interface Target {
  clients: Clients;
  namespace: string;
}

/** KUBECONFIG and its context as kubectl resolves them; `--context` switches, `-n` overrides the context's namespace. */
export function target(
  values: { namespace?: string | undefined; context?: string | undefined },
  load: () => KubeConfig = loadKubeConfig,
): Target {
  const kc = load();
  if (values.context) {
    if (!kc.getContextObject(values.context)) throw new Error(`--context: no context "${values.context}" in the kubeconfig`);
    kc.setCurrentContext(values.context);
  }
  const namespace = values.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  return { clients: makeClients(kc), namespace };
}

/** How long ago, as kubectl's AGE column prints it. */
export function age(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.round((now - new Date(since).getTime()) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Columns padded to their widest cell, three spaces apart, as kubectl's tables. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('')).join('\n') + '\n';
}
