/**
 * The artifact kinds, in ONE table. Its order is the order of their RCA evidence (perf, runtime, strace, tcpdump,
 * timeline, cgroup), which the LLM prompt tie-breaks on: a new kind goes at the end unless it should outrank one. The page
 * places sections by their own `report.order`. Adding a kind: a folder kinds/<kind>/ (see kind.ts) and one line
 * here; README.md says how.
 */
import { cgroup } from './cgroup/kind.ts';
import type { Kind, ReportPart } from './kind.ts';
import { perf } from './perf/kind.ts';
import { runtime } from './runtime/kind.ts';
import { strace } from './strace/kind.ts';
import { tcpdump } from './tcpdump/kind.ts';
import { timeline } from './timeline/kind.ts';

export const kinds = [perf, runtime, strace, tcpdump, timeline, cgroup] as const;

type AnyKind = (typeof kinds)[number];
type ItemOf<K> = K extends Kind<string, infer I, unknown, string> ? I : never;
type SectionOf<K> = K extends Kind<string, unknown, infer S, string> ? S : never;
type FieldOf<K> = K extends Kind<string, unknown, unknown, infer F> ? F : never;

/** Each kind's items of one run, by kind name. */
export type KindItems = { [K in AnyKind as K['name']]: ItemOf<K>[] };
/** Each kind's report section, in the report model under its field. */
export type KindSections = { [K in AnyKind as FieldOf<K>]?: SectionOf<K> };

/** The kind that reads an artifact of this name, if any. */
export function kindOf(artifact: string): AnyKind | undefined {
  return kinds.find((k) => k.artifacts.includes(artifact));
}

type Reported = Kind & { report: ReportPart<unknown, unknown, string> };

/** The kinds with a report section, in page order. */
export function reportedKinds(): Reported[] {
  return (kinds as readonly Kind[]).filter((k): k is Reported => k.report !== undefined).sort((a, b) => a.report.order - b.report.order);
}
