/**
 * What an artifact kind is: the artifacts it reads (by the name the tool gives them), its parser, the slice of the
 * RCA input it fills and the evidence it draws from that slice, and its report section. Every kind is one folder
 * under kinds/ with the same files (kind.ts, parse.ts, evidence.ts, section.ts) and one line in kinds/index.ts.
 * Nothing outside kinds/ names a kind: the pipeline, the evidence builder and the page walk the table.
 */
import type { ByteSource } from '../lines.ts';
import type { Evidence, RcaInput } from '../rca/types.ts';
import type { Html } from '../report/html.ts';
import type { ArtifactInput, RunInputs } from '../run.ts';
import type { ProfilerRun } from './timeline/parse.ts';

/** The RCA input fields that processors fill (the rest is the run, its pods and Events). */
export type RcaKey = Exclude<keyof RcaInput, 'powerTool' | 'pods' | 'events'>;

/** One run's items of one kind, for assembling a report that may cover several runs. */
export interface Part<Item> {
  run: RunInputs;
  items: Item[];
}

export interface AssembleContext {
  /** The report covers more than one run: labels name the PowerTool too. */
  several: boolean;
  /** `pod`, or `<powertool>/<pod>` when the report covers several runs. */
  label(run: RunInputs, pod: string): string;
  /** Every profiler run of every kind in the report, for a timeline of the same pod to lay over its axis. */
  profilerRuns: { pod: string; run: ProfilerRun }[];
}

export interface ReportPart<Item, Section, Field extends string> {
  /** The report model's field that holds this kind's section. */
  field: Field;
  /** Where the section goes on the page, lowest first (the table's order is the RCA evidence's). */
  order: number;
  /** Its entry in the page's table of contents (the section's id and heading). */
  toc: { id: string; label: string };
  /** The section's data from every run's items; undefined when there is nothing to show. */
  assemble(parts: Part<Item>[], ctx: AssembleContext): Section | undefined;
  render(section: Section | undefined): Html;
}

export interface Kind<Name extends string = string, Item = unknown, Section = unknown, Field extends string = string> {
  /** Names the kind in the table, and the source of its evidence when that cannot be read (`ev-input-<name>-…`). */
  name: Name;
  /** The artifact names this kind reads: the tools' contract (each powertools/<tool>/README.md lists its own). */
  artifacts: readonly string[];
  /** One artifact into one item; throwing leaves a note in the report and the other artifacts carry on. */
  parse?(src: ByteSource, artifact: ArtifactInput, run: RunInputs): Promise<Item>;
  rca: {
    /** The RCA input field this kind fills; rca/fixtures/ are written in that shape. */
    key: RcaKey;
    /** One run's items into that field (never called without items); undefined leaves it out. */
    summarise?(items: Item[], run: RunInputs): RcaInput[RcaKey] | undefined;
    /** Evidence from the field, which may be anything (a fixture, hostile JSON): never throws on its shape. */
    evidence(slice: unknown): Evidence[];
  };
  report?: ReportPart<Item, Section, Field>;
  /** When a profiler of this kind sampled which pod: a fault timeline on that pod shows it on its axis. */
  profilerRuns?(items: Item[], run: RunInputs): { pod: string; run: ProfilerRun }[];
}

/** A kind with its types inferred from the definition, so the table can type the report model and the items. */
export function defineKind<Name extends string, Item, Section = never, Field extends string = never>(
  kind: Kind<Name, Item, Section, Field>,
): Kind<Name, Item, Section, Field> {
  return kind;
}
