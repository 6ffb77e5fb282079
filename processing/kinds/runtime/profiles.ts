/**
 * A run's pprof items grouped into one profile per type (CPU slices of a pod merged, then pods merged), with what
 * the report and the RCA read from them: top functions with their source, and the CPU share of GC and locks.
 */
import { mergeFolded, type Folded } from '../perf/folded.ts';
import { topFunctions, type FunctionRow } from '../perf/flame.ts';
import type { PprofProfile } from './parse.ts';

export type ProfileType = 'cpu' | 'heap';

export interface PprofItem {
  pod: string;
  type: ProfileType;
  profile: PprofProfile;
}

export interface TypedProfile {
  type: ProfileType;
  /** The sample value folded (cpu, inuse_space) and its unit. */
  valueType: string;
  unit: string;
  folded: Folded;
  sources: Record<string, string>;
  pods: string[];
  seconds: number;
}

/** Frames of the Go runtime's garbage collector and allocator, and V8's. */
const GC_FRAME =
  /^(runtime\.(gc[A-Za-z]*|mallocgc[A-Za-z]*|scanobject|markroot[A-Za-z]*|greyobject|bgsweep|sweepone|bgscavenge)|\(garbage collector\))$/;
/** Frames that acquire a lock (spinning shows in a CPU profile; blocking does not). */
const LOCK_FRAME = /^(sync\.\(\*(RW)?Mutex\)\.(R?Lock|lockSlow)|runtime\.(lock2?|lockWithRank))$/;

export const artifactType = (name: string): ProfileType => (name.startsWith('heap') ? 'heap' : 'cpu');

export function groupProfiles(items: PprofItem[], label: (pod: string) => string = (p) => p): TypedProfile[] {
  const out: TypedProfile[] = [];
  for (const type of ['cpu', 'heap'] as const) {
    const ofType = items.filter((i) => i.type === type);
    if (ofType.length === 0) continue;
    const pods = [...new Set(ofType.map((i) => i.pod))];
    const perPod = pods.map((pod) => mergeFolded(ofType.filter((i) => i.pod === pod).map((i) => i.profile)));
    const first = ofType[0]?.profile as PprofProfile;
    out.push({
      type,
      valueType: first.valueType,
      unit: first.unit,
      folded: pods.length > 1 ? mergeFolded(perPod, pods.map(label)) : (perPod[0] as Folded),
      sources: Object.assign({}, ...ofType.map((i) => i.profile.sources)) as Record<string, string>,
      pods: pods.map(label),
      seconds: ofType.reduce((s, i) => s + i.profile.durationSeconds, 0),
    });
  }
  return out;
}

/** Percent of the profile's total in stacks that have a frame matching `frame`. */
export function shareOf(folded: Folded, frame: RegExp): number {
  let n = 0;
  for (const [stack, v] of folded.stacks) if (stack.split(';').some((f) => frame.test(f))) n += v;
  return folded.total > 0 ? (100 * n) / folded.total : 0;
}

export const gcShare = (folded: Folded): number => shareOf(folded, GC_FRAME);
export const lockShare = (folded: Folded): number => shareOf(folded, LOCK_FRAME);

export function topWithSources(p: TypedProfile, limit: number): (FunctionRow & { source?: string })[] {
  return topFunctions(p.folded, limit).map((r) => (p.sources[r.name] ? { ...r, source: p.sources[r.name] } : r));
}
