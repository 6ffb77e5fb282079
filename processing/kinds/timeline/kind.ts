/**
 * Fault timelines: `samples.jsonl` (what the cpu, memory and fill-volume tools, and signal, measured in the target
 * while they ran) on one time axis with the fault window, the pod's restarts, readiness and Events, and the effect
 * against the request; the report's timeline section, shown first; effect, recovery and series as RCA evidence.
 * Profiler runs on the same pod (perf's, any kind with `profilerRuns`) are laid over it.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { parseQuantity } from '../../../src/api/units.ts';
import type { RunInputs } from '../../run.ts';
import { defineKind } from '../kind.ts';
import { timelineEvidence } from './evidence.ts';
import { addProfilerRun, buildFaultTimeline, type PodFacts, type RequestedEffect, type Timeline } from './parse.ts';
import { podFacts } from './pod-facts.ts';
import { renderTimelines } from './section.ts';
import { fromTimeline, type Limits } from './summary.ts';

export const timeline = defineKind({
  name: 'timeline',
  artifacts: ['samples.jsonl'],
  parse: async (src, a, run): Promise<Timeline> => {
    const status = run.pt.status ?? {};
    const effect = status.targets?.find((t) => t.pod === a.pod)?.result?.effect;
    return buildFaultTimeline({
      tool: run.pt.spec.tool.name,
      status,
      pod: a.pod,
      samples: src,
      requested: requestedEffect(effect),
      podFacts: facts(run),
      ...faultWindow(effect),
    });
  },
  rca: {
    key: 'timeline',
    // One fault per run: the first timeline stands for the run.
    summarise: (items, run) => {
      const first = items[0];
      if (!first) return undefined;
      const target = run.pt.status?.targets?.find((t) => t.pod === first.pod);
      return fromTimeline(
        first,
        limitsOf(
          run.pods.find((p) => p.metadata?.name === first.pod),
          target?.container,
        ),
      );
    },
    evidence: (slice) => timelineEvidence(slice as never),
  },
  report: {
    field: 'timelines',
    order: 10,
    toc: { id: 'timeline', label: 'Timeline' },
    assemble: (parts, ctx) => {
      const all = parts.flatMap((p) => p.items);
      if (all.length === 0) return undefined;
      return all.map((t) => ctx.profilerRuns.filter((p) => p.pod === t.pod).reduce((out, p) => addProfilerRun(out, p.run), t));
    },
    render: renderTimelines,
  },
});

/**
 * The fault's own window when the tool reports one (faultStartedAt / faultEndedAt): a tool that samples a baseline
 * before applying its fault starts the fault after its container did.
 */
export function faultWindow(effect: unknown): { window: { start: string; end: string } } | Record<string, never> {
  const e = (effect && typeof effect === 'object' ? effect : {}) as Record<string, unknown>;
  const start = e.faultStartedAt;
  const end = e.faultEndedAt;
  const valid = (t: unknown): t is string => typeof t === 'string' && Number.isFinite(Date.parse(t));
  return valid(start) && valid(end) && Date.parse(start) <= Date.parse(end) ? { window: { start, end } } : {};
}

/** What the fault asked for, in the timeline's units, read from the tool's reported effect (field names, not tools). */
export function requestedEffect(effect: unknown): RequestedEffect | undefined {
  if (!effect || typeof effect !== 'object') return undefined;
  const e = effect as Record<string, unknown>;
  const num = (k: string): number | undefined => (typeof e[k] === 'number' && Number.isFinite(e[k]) ? (e[k] as number) : undefined);
  if (num('requestedPercent') !== undefined) return { volumeFillPercent: num('requestedPercent') };
  if (num('requestedMillicores') !== undefined) return { cpuMillicores: num('requestedMillicores') };
  if (num('requestedBytes') !== undefined) return { memoryBytes: num('requestedBytes') };
  return undefined;
}

/** Restarts, readiness and OOM kills from the pods, plus their Events as marks on the axis. */
function facts(run: RunInputs): PodFacts[] {
  return run.pods.map((pod: V1Pod) => {
    const f = podFacts(pod);
    const events = run.events
      .filter((e) => e.regarding?.uid === pod.metadata?.uid)
      .map((e) => ({
        at: new Date((e.eventTime ?? e.deprecatedLastTimestamp ?? e.metadata?.creationTimestamp ?? 0) as string | Date).toISOString(),
        reason: e.reason ?? '',
        message: e.note,
        type: e.type === 'Warning' ? ('Warning' as const) : ('Normal' as const),
      }))
      .slice(-200);
    return { ...f, events };
  });
}

/** The target container's CPU and memory limits, which the timeline's series are measured against. */
function limitsOf(pod: V1Pod | undefined, container: string | undefined): Limits {
  const c = pod?.spec?.containers?.find((x) => x.name === container) ?? pod?.spec?.containers?.[0];
  const cpu = c?.resources?.limits?.cpu === undefined ? undefined : parseQuantity(String(c.resources.limits.cpu));
  const memory = c?.resources?.limits?.memory === undefined ? undefined : parseQuantity(String(c.resources.limits.memory));
  return { ...(cpu !== undefined ? { cpuMillicores: cpu * 1000 } : {}), ...(memory !== undefined ? { memoryBytes: memory } : {}) };
}
