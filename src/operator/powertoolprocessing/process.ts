/**
 * The processors over one run's artifacts, chosen by artifact name (the names are the contract in CONTRACTS.md,
 * "Artifacts the processors read"), each streaming from where the artifact is. A processor that fails leaves a
 * note and the others carry on. What a report and the evidence builder need comes out as plain data.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ByteSource } from '../../../processing/lines.ts';
import { collapsePerfScript, type FoldedProfile } from '../../../processing/perf.ts';
import { podFacts } from '../../../processing/pod-facts.ts';
import { parseStraceSummary, parseStraceTrace, type SyscallRow } from '../../../processing/strace.ts';
import { summarizePcap, type TrafficSummary } from '../../../processing/tcpdump.ts';
import { buildFaultTimeline, type PodFacts, type RequestedEffect, type Timeline } from '../../../processing/timeline.ts';
import type { StraceView } from '../../../processing/report/model.ts';
import type { ArtifactInput, RunInputs } from './gather.ts';

export interface ProcessedRun {
  perf: { pod: string; profile: FoldedProfile }[];
  strace: (StraceView & { pod: string; errnos?: Record<string, Record<string, number>> })[];
  traffic: { pod: string; name: string; summary: TrafficSummary }[];
  timelines: Timeline[];
  notes: string[];
}

type Processor = (src: ByteSource, a: ArtifactInput, run: RunInputs, out: ProcessedRun) => Promise<void>;

const processors: Record<string, Processor> = {
  'perf.script': async (src, a, _run, out) => {
    out.perf.push({ pod: a.pod, profile: await collapsePerfScript(src, { group: 'comm', timeSeries: true }) });
  },
  'strace.summary': async (src, a, _run, out) => {
    out.strace.push({ pod: a.pod, name: `${a.pod} (strace -c)`, rows: (await parseStraceSummary(src)).rows });
  },
  'strace.trace': async (src, a, _run, out) => {
    const trace = await parseStraceTrace(src);
    const errnos = Object.fromEntries(trace.syscalls.map((s) => [s.syscall, s.errnos]));
    out.strace.push({ pod: a.pod, name: `${a.pod} (strace trace)`, rows: trace.rows, trace, errnos });
  },
  'capture.pcap': async (src, a, _run, out) => {
    out.traffic.push({ pod: a.pod, name: a.pod, summary: await summarizePcap(src) });
  },
  'samples.jsonl': async (src, a, run, out) => {
    const status = run.pt.status ?? {};
    const effect = status.targets?.find((t) => t.pod === a.pod)?.result?.effect;
    out.timelines.push(
      await buildFaultTimeline({
        tool: run.pt.spec.tool.name,
        status,
        pod: a.pod,
        samples: src,
        requested: requestedEffect(effect),
        podFacts: facts(run),
        ...faultWindow(effect),
      }),
    );
  },
};

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

export async function processRun(run: RunInputs): Promise<ProcessedRun> {
  const out: ProcessedRun = { perf: [], strace: [], traffic: [], timelines: [], notes: [...run.notes] };
  const skipped = new Set<string>();
  for (const a of run.artifacts) {
    const processor = processors[a.name];
    if (!processor) {
      skipped.add(a.name);
      continue;
    }
    try {
      await processor(await a.open(), a, run, out);
      if (a.partial) out.notes.push(`${a.pod}/${a.name} is partial: the tool was stopped or cut off before it finished collecting.`);
    } catch (err) {
      out.notes.push(`${a.pod}/${a.name} could not be processed: ${(err as Error).message}`);
    }
  }
  if (skipped.size > 0) out.notes.push(`Kept but not shown (no processor for them): ${[...skipped].join(', ')}.`);
  return out;
}

export type { SyscallRow };
