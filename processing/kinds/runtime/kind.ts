/**
 * runtime: the profiles runtime-aware profilers take — pprof from the go tool (`cpu-<n>.pprof` slices, `heap.pprof`),
 * V8 profiles from the node tool (`cpu.cpuprofile`, `heap.heapprofile`) — folded into one flame graph per runtime
 * and profile type with source locations; hot functions, heap holders and GC or lock shares as RCA evidence.
 */
import { defineKind } from '../kind.ts';
import { pprofEvidence } from './evidence.ts';
import { foldPprof } from './parse.ts';
import { foldCpuProfile, foldHeapProfile } from './v8.ts';
import { artifactType, gcShare, groupProfiles, lockShare, topWithSources, type PprofItem } from './profiles.ts';
import { renderRuntimeProfiles, type RuntimeProfilesSection } from './section.ts';

/** The go tool takes at most this many CPU slices per run (powertools/go/entrypoint.sh). */
export const MAX_CPU_SLICES = 8;
const round = (n: number): number => Math.round(n * 10) / 10;

export const runtime = defineKind({
  name: 'runtime',
  artifacts: [
    ...Array.from({ length: MAX_CPU_SLICES }, (_, i) => `cpu-${i + 1}.pprof`),
    'heap.pprof',
    'cpu.cpuprofile',
    'heap.heapprofile',
  ],
  parse: async (src, a): Promise<PprofItem> => {
    const fold = a.name.endsWith('.cpuprofile') ? foldCpuProfile : a.name.endsWith('.heapprofile') ? foldHeapProfile : foldPprof;
    return { pod: a.pod, type: artifactType(a.name), profile: await fold(src) };
  },
  rca: {
    key: 'runtimeProfiles',
    summarise: (items, run) =>
      groupProfiles(items).map((p) => ({
        runtime: run.pt.spec.tool.name,
        type: p.type,
        topFunctions: topWithSources(p, 20).map((r) => ({
          name: r.name,
          selfPct: round(r.selfPercent),
          totalPct: round(r.totalPercent),
          ...(r.source ? { source: r.source } : {}),
        })),
        ...(p.type === 'cpu' ? { gcPct: round(gcShare(p.folded)), lockPct: round(lockShare(p.folded)) } : {}),
      })),
    evidence: pprofEvidence,
  },
  report: {
    field: 'runtimeProfiles',
    order: 25,
    toc: { id: 'runtime-profiles', label: 'Runtime profiles' },
    assemble: (parts, ctx): RuntimeProfilesSection | undefined => {
      const runs = parts.flatMap((part) =>
        groupProfiles(part.items, (pod) => ctx.label(part.run, pod)).map((profile) => ({ runtime: part.run.pt.spec.tool.name, profile })),
      );
      return runs.length > 0 ? { runs } : undefined;
    },
    render: renderRuntimeProfiles,
  },
});
