/** The report's perf section from the targets' profiles: merged, per target, and against a baseline. */
import {
  buildFlameTree,
  diffFlame,
  diffTopFunctions,
  topFunctions,
  type FlameNode,
  type FunctionDelta,
  type FunctionRow,
} from './flame.ts';
import { mergeFolded, type Folded } from './folded.ts';
import type { FoldedProfile, FoldedStats } from './parse.ts';

export interface PerfView {
  name: string;
  flame: FlameNode;
  top: FunctionRow[];
  samples: number;
  stats?: FoldedStats;
}

export interface PerfReport {
  /** All targets summed; shown first. */
  merged?: PerfView;
  targets: PerfView[];
  diff?: { baseline: string; flame: FlameNode; top: FunctionDelta[] };
}

export interface PerfInput {
  /** One profile per target (pod), named for display. */
  targets: { name: string; profile: FoldedProfile }[];
  baseline?: { name: string; folded: Folded };
  topLimit?: number;
}

export function perfView(name: string, folded: Folded & Partial<Pick<FoldedProfile, 'stats'>>, topLimit = 50): PerfView {
  return {
    name,
    flame: buildFlameTree(folded),
    top: topFunctions(folded, topLimit),
    samples: folded.stats?.samples ?? folded.total,
    ...(folded.stats ? { stats: folded.stats } : {}),
  };
}

export function assemblePerf(input: PerfInput): PerfReport {
  const limit = input.topLimit ?? 50;
  const targets = input.targets.map((t) => perfView(t.name, t.profile, limit));
  const merged = input.targets.length > 1 ? mergeFolded(input.targets.map((t) => t.profile)) : undefined;
  const current = merged ?? input.targets[0]?.profile;
  return {
    ...(merged ? { merged: perfView(`all ${input.targets.length} targets`, merged, limit) } : {}),
    targets,
    ...(input.baseline && current
      ? {
          diff: {
            baseline: input.baseline.name,
            flame: diffFlame(current, input.baseline.folded),
            top: diffTopFunctions(current, input.baseline.folded, limit),
          },
        }
      : {}),
  };
}
