/**
 * The kinds' parsers over one run's artifacts: each artifact goes to the kind that reads its name (kinds/index.ts),
 * streaming from wherever it is. A parser that fails leaves a note and the others carry on; an artifact no kind
 * reads is named in a note. What comes out is plain data, each kind's items under its name.
 */
import { kindOf, kinds, type KindItems } from '../kinds/index.ts';
import type { RunInputs } from '../run.ts';

export interface ProcessedRun {
  items: KindItems;
  notes: string[];
}

export interface Run {
  inputs: RunInputs;
  processed: ProcessedRun;
}

export async function processRun(run: RunInputs): Promise<ProcessedRun> {
  const items = Object.fromEntries(kinds.map((k) => [k.name, []])) as unknown as KindItems;
  const out: ProcessedRun = { items, notes: [...run.notes] };
  const skipped = new Set<string>();
  for (const a of run.artifacts) {
    const kind = kindOf(a.name);
    if (!kind?.parse) {
      skipped.add(a.name);
      continue;
    }
    try {
      (items[kind.name] as unknown[]).push(await kind.parse(await a.open(), a, run));
      if (a.partial) out.notes.push(`${a.pod}/${a.name} is partial: the tool was stopped or cut off before it finished collecting.`);
    } catch (err) {
      out.notes.push(`${a.pod}/${a.name} could not be processed: ${(err as Error).message}`);
    }
  }
  if (skipped.size > 0) out.notes.push(`Kept but not shown (no processor for them): ${[...skipped].join(', ')}.`);
  return out;
}
