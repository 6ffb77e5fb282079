import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ProbeStatus, SteadyStateConfig, SteadyStateProbe, TargetStatus } from '../../../api/index.ts';
import { parseDuration } from '../../../api/units.ts';
import { classify } from '../../../kube/errors.ts';
import type { PowerToolContext } from '../context.ts';
import type { CheckResult } from './evaluate.ts';
import { judgeHttp, judgeReplicas, judgeRestarts, type HttpAnswer } from './judge.ts';
import { judgePrometheus, queryPrometheus, serverFor } from './prometheus.ts';

const appsClients = new WeakMap<KubeConfig, AppsV1Api>();
function apps(kc: KubeConfig): AppsV1Api {
  let api = appsClients.get(kc);
  if (!api) appsClients.set(kc, (api = kc.makeApiClient(AppsV1Api)));
  return api;
}

/**
 * Runs one probe against the cluster. The http probe resolves its Service to the cluster IP here, in the operator,
 * so the only address it ever calls is one the namespace's own Service names. A probe that cannot run (Service
 * missing, no cluster IP) fails: an unobservable steady state is not a held one. The prometheus probe queries
 * only a server from `config`, the spec.steadyState of the tool's PowerToolConfig as it is now (an admin who removes
 * a server stops its probes: they fail, naming the field).
 */
export async function runProbe(
  ctx: PowerToolContext,
  namespace: string,
  probe: SteadyStateProbe,
  prev: ProbeStatus | undefined,
  targets: TargetStatus[],
  config: SteadyStateConfig | undefined,
): Promise<CheckResult> {
  try {
    if (probe.http) return judgeHttp(probe.http, await callService(ctx, namespace, probe.http));
    if (probe.prometheus) {
      const server = serverFor(config, probe.prometheus.server);
      const wanted = probe.prometheus.server ? `server ${probe.prometheus.server}` : 'Prometheus server';
      if (!server) return { ok: false, value: `no ${wanted} in the tool's PowerToolConfig spec.steadyState.prometheus` };
      return judgePrometheus(probe.prometheus, await queryPrometheus(server.url, probe.prometheus));
    }
    const k = probe.kubernetes;
    if (k?.workload) {
      const w = k.workload;
      const ready = await readyReplicas(ctx, namespace, w.kind, w.name);
      return judgeReplicas(w.kind, w.name, ready, w.minReadyReplicas);
    }
    if (k?.maxRestarts !== undefined) {
      let total = 0;
      for (const t of targets) {
        const pod = ctx.caches.pods.get(t.pod, namespace);
        total += pod?.status?.containerStatuses?.find((c) => c.name === t.container)?.restartCount ?? 0;
      }
      return judgeRestarts(total, prev?.baseline, k.maxRestarts, targets.length);
    }
    return { ok: false, value: 'the probe names no check' };
  } catch (err) {
    return { ok: false, value: `probe error: ${err instanceof Error ? err.message : String(err)}`.slice(0, 256) };
  }
}

async function readyReplicas(ctx: PowerToolContext, namespace: string, kind: string, name: string): Promise<number | undefined> {
  try {
    const api = apps(ctx.clients.kc);
    const obj =
      kind === 'Deployment'
        ? await api.readNamespacedDeployment({ name, namespace })
        : await api.readNamespacedStatefulSet({ name, namespace });
    return obj.status?.readyReplicas ?? 0;
  } catch (err) {
    if (classify(err) === 'gone') return undefined;
    throw err;
  }
}

async function callService(ctx: PowerToolContext, namespace: string, spec: NonNullable<SteadyStateProbe['http']>): Promise<HttpAnswer> {
  let service;
  try {
    service = await ctx.clients.core.readNamespacedService({ name: spec.service, namespace });
  } catch (err) {
    if (classify(err) === 'gone') return { error: `Service ${spec.service} not found` };
    throw err;
  }
  const ip = service.spec?.clusterIP;
  if (!ip || ip === 'None') return { error: `Service ${spec.service} has no cluster IP` };
  if (!service.spec?.ports?.some((p) => p.port === spec.port)) return { error: `Service ${spec.service} has no port ${spec.port}` };
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const started = performance.now();
  try {
    const res = await fetch(`http://${host}:${spec.port}${spec.path}`, {
      method: spec.method,
      redirect: 'manual',
      signal: AbortSignal.timeout(parseDuration(spec.timeout) ?? 2_000),
    });
    await res.body?.cancel();
    return { status: res.status, latencyMs: performance.now() - started };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'TimeoutError') return { error: `no answer within ${spec.timeout}` };
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    return { error: `request failed: ${cause}` };
  }
}
