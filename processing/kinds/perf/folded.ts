/**
 * Folded stacks as data: read and write the `frame;frame;… count` text (stackcollapse's output, also a handy
 * artifact to keep), and merge the profiles of several targets into one.
 */
import { forEachLine, type ByteSource } from '../../lines.ts';

export interface Folded {
  stacks: Map<string, number>;
  total: number;
  /** How many leading frames of each stack name a process or target rather than a function (0 when absent). */
  rootFrames?: number;
}

/** Sums profiles; with `labels`, each stack is rooted under its profile's label (one flame per target, side by side). */
export function mergeFolded(profiles: Folded[], labels?: string[]): Folded {
  const stacks = new Map<string, number>();
  let total = 0;
  profiles.forEach((p, i) => {
    const label = labels?.[i];
    for (const [stack, n] of p.stacks) {
      const key = label === undefined ? stack : `${label.replace(/;/g, ':')};${stack}`;
      stacks.set(key, (stacks.get(key) ?? 0) + n);
    }
    total += p.total;
  });
  const rootFrames = Math.max(0, ...profiles.map((p) => p.rootFrames ?? 0)) + (labels ? 1 : 0);
  return { stacks, total, rootFrames };
}

/** Folded text, one stack per line, sorted for stable diffs. */
export function formatFolded(folded: Folded): string {
  return [...folded.stacks]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([s, n]) => `${s} ${n}\n`)
    .join('');
}

/** Reads folded text; lines that do not end in ` <count>` are counted as invalid and skipped. */
export async function parseFolded(source: ByteSource): Promise<Folded & { invalidLines: number }> {
  const stacks = new Map<string, number>();
  let total = 0;
  let invalidLines = 0;
  await forEachLine(source, (line) => {
    if (line.trim() === '') return;
    const space = line.lastIndexOf(' ');
    const count = line.slice(space + 1);
    if (space <= 0 || !/^\d{1,15}(\.\d+)?$/.test(count)) {
      invalidLines += 1;
      return;
    }
    const n = Number(count);
    const stack = line.slice(0, space);
    stacks.set(stack, (stacks.get(stack) ?? 0) + n);
    total += n;
  });
  return { stacks, total, invalidLines };
}
