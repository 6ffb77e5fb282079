/**
 * perf: `perf.script` (`perf script` of a `perf record -g`) collapsed into a folded profile per target; the report's
 * flame graphs and top functions; the hottest functions as RCA evidence. A perf run on a fault's pod joins the
 * fault's timeline.
 */
import { defineKind } from '../kind.ts';
import { assemblePerf } from './assemble.ts';
import { perfEvidence } from './evidence.ts';
import { topFunctions } from './flame.ts';
import { mergeFolded } from './folded.ts';
import { collapsePerfScript, type FoldedProfile } from './parse.ts';
import { renderPerf } from './section.ts';

export interface PerfItem {
  pod: string;
  profile: FoldedProfile;
}

const round = (n: number): number => Math.round(n * 10) / 10;

export const perf = defineKind({
  name: 'perf',
  artifacts: ['perf.script'],
  parse: async (src, a): Promise<PerfItem> => ({ pod: a.pod, profile: await collapsePerfScript(src, { group: 'comm', timeSeries: true }) }),
  rca: {
    key: 'perf',
    summarise: (items) => ({
      topFunctions: topFunctions(mergeFolded(items.map((p) => p.profile)), 20).map((r) => ({
        name: r.name,
        selfPct: round(r.selfPercent),
        totalPct: round(r.totalPercent),
      })),
    }),
    evidence: (slice) => perfEvidence((slice as { topFunctions?: unknown } | null | undefined)?.topFunctions),
  },
  report: {
    field: 'perf',
    order: 20,
    toc: { id: 'profile', label: 'CPU profile' },
    assemble: (parts, ctx) => {
      const targets = parts.flatMap((part) => part.items.map((p) => ({ name: ctx.label(part.run, p.pod), profile: p.profile })));
      return targets.length > 0 ? assemblePerf({ targets }) : undefined;
    },
    render: renderPerf,
  },
  profilerRuns: (items, run) =>
    items.flatMap((p) => {
      const target = run.pt.status?.targets?.find((t) => t.pod === p.pod);
      if (!target?.startedAt) return [];
      return [
        {
          pod: p.pod,
          run: {
            tool: run.pt.spec.tool.name,
            startedAt: target.startedAt,
            ...(target.finishedAt ? { finishedAt: target.finishedAt } : {}),
            ...(p.profile.timeSeries ? { samplesPerSecond: p.profile.timeSeries } : {}),
          },
        },
      ];
    }),
});
