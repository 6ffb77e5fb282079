/**
 * `perf script` text (from `perf record -g`) → folded stacks, the format stackcollapse-perf.pl writes and flame
 * graphs read: `comm;outer;…;leaf count`. Each sample is a header line (`comm pid/tid time: period event:`), its
 * frames leaf first (`addr sym+off (dso)`), then a blank line.
 *
 * Streaming and bounded: one sample's frames are held at a time, stacks deeper than `maxDepth` are cut at the root
 * side (marked `[truncated]`), and past `maxStacks` distinct stacks (or `maxStackChars` of their text) new ones
 * fold into `[other]`, so memory depends on the options, never on the artifact's size. A last sample without its
 * closing blank line comes from a cut-off (partial) artifact: its outer frames may be missing, so it is dropped and
 * counted rather than misattributed.
 */
import type { Folded } from './folded.ts';
import { forEachLine, type ByteSource } from '../../lines.ts';

export type StackGroup = 'comm' | 'pid' | 'tid' | 'none';

export interface CollapseOptions {
  /** The root frame: the command (default, as stackcollapse-perf), `comm-pid`, `comm-pid/tid`, or none. */
  group?: StackGroup;
  /** Count samples (default) or sum their periods (e.g. nanoseconds of cpu-clock). */
  weight?: 'samples' | 'period';
  maxDepth?: number;
  maxStacks?: number;
  /** Budget for the distinct stacks' text, in characters (default 32 Mi): bounds memory for all-unique stacks. */
  maxStackChars?: number;
  /** Also count samples per second of perf's clock, to place the profile on a timeline. */
  timeSeries?: boolean;
}

export interface FoldedStats {
  samples: number;
  /** Lines that were neither a sample header, a frame, a blank line nor a `#` comment. */
  garbageLines: number;
  overlongLines: number;
  truncatedStacks: number;
  /** Samples counted under `[other]` because maxStacks distinct stacks (or maxStackChars of them) were held. */
  otherStacks: number;
  /** The input ended inside a sample (a partial artifact); that sample was left out. */
  droppedPartialSample: boolean;
}

export interface FoldedProfile extends Folded {
  stats: FoldedStats;
  /** With `timeSeries`: samples per whole second of perf's clock (seconds since boot, not wall time). */
  timeSeries?: { t: number; samples: number }[];
}

// A command may contain spaces and digits ("Web Content 2"): the pid/tid form is tried first, as it is unambiguous.
const HEADER_TID = /^(\S.*?)\s+(-?\d+)\/(-?\d+)\s+(.*)$/;
const HEADER = /^(\S.*?)\s+(-?\d+)()\s+(.*)$/;
const PERIOD = /:\s+(\d+)\s+[^\s:]+(?::\S*)?:/;
const TIME = /(\d+)\.\d+:/;
const MAX_SECONDS = 100_000;
export const OTHER_FRAME = '[other]';
export const TRUNCATED_FRAME = '[truncated]';

/** The incremental parser: feed lines with `line()`, then call `end()` once. */
export class PerfCollapser {
  readonly stats: FoldedStats = {
    samples: 0,
    garbageLines: 0,
    overlongLines: 0,
    truncatedStacks: 0,
    otherStacks: 0,
    droppedPartialSample: false,
  };
  private readonly stacks = new Map<string, number>();
  private total = 0;
  private readonly frames: string[] = [];
  private readonly parts: string[] = [];
  private depth = 0;
  private truncated = false;
  private root: string | undefined;
  private inSample = false;
  private weight = 1;
  private readonly group: StackGroup;
  private readonly byPeriod: boolean;
  private readonly maxDepth: number;
  private readonly maxStacks: number;
  private readonly maxStackChars: number;
  private stackChars = 0;
  private readonly seconds: Map<number, number> | undefined;

  constructor(options: CollapseOptions = {}) {
    this.group = options.group ?? 'comm';
    this.byPeriod = options.weight === 'period';
    this.maxDepth = options.maxDepth ?? 1024;
    this.maxStacks = options.maxStacks ?? 100_000;
    this.maxStackChars = options.maxStackChars ?? 32 * 2 ** 20;
    this.seconds = options.timeSeries ? new Map() : undefined;
  }

  line(line: string): void {
    const first = line.charCodeAt(0);
    if (first === 9 || first === 32) {
      if (this.inSample) this.frame(line);
      else if (line.trim() !== '') this.stats.garbageLines += 1;
      return;
    }
    if (line.length === 0) {
      if (this.inSample) this.commit();
      return;
    }
    if (first === 35 /* # */) return;
    this.header(line);
  }

  end(overlongLines = 0): FoldedProfile {
    if (this.inSample) {
      this.stats.droppedPartialSample = true;
      this.inSample = false;
    }
    this.stats.overlongLines = overlongLines;
    const profile: FoldedProfile = { stacks: this.stacks, total: this.total, rootFrames: this.group === 'none' ? 0 : 1, stats: this.stats };
    if (this.seconds) profile.timeSeries = [...this.seconds].sort(([a], [b]) => a - b).map(([t, samples]) => ({ t, samples }));
    return profile;
  }

  private header(line: string): void {
    if (this.inSample) this.commit();
    const m = HEADER_TID.exec(line) ?? HEADER.exec(line);
    if (!m) {
      this.stats.garbageLines += 1;
      return;
    }
    const comm = cleanName((m[1] as string).trim());
    this.root =
      this.group === 'none'
        ? undefined
        : this.group === 'comm'
          ? comm
          : this.group === 'pid'
            ? `${comm}-${m[2]}`
            : `${comm}-${m[2]}/${m[3] || m[2]}`;
    this.weight = 1;
    if (this.byPeriod) {
      const p = PERIOD.exec(m[4] as string);
      this.weight = p ? Number(p[1]) : 1;
    }
    if (this.seconds) {
      const second = Number(TIME.exec(m[4] as string)?.[1] ?? Number.NaN);
      if (Number.isFinite(second) && (this.seconds.has(second) || this.seconds.size < MAX_SECONDS))
        this.seconds.set(second, (this.seconds.get(second) ?? 0) + 1);
    }
    this.inSample = true;
    this.depth = 0;
    this.truncated = false;
  }

  // Hand-scanned rather than split or matched with regular expressions: this runs for every frame of every
  // sample, and the benchmark (test/bench/folded.bench.ts) holds it to 100 MB/s.
  private frame(line: string): void {
    const len = line.length;
    let i = 0;
    while (i < len && isBlank(line.charCodeAt(i))) i++;
    if (i === len) {
      this.commit();
      return;
    }
    const addr = i;
    while (i < len && isHex(line.charCodeAt(i))) i++;
    if (i === addr || (i < len && line.charCodeAt(i) !== 32)) {
      this.stats.garbageLines += 1;
      return;
    }
    if (this.depth >= this.maxDepth) {
      this.truncated = true;
      return;
    }
    let end = len;
    while (end > i && isBlank(line.charCodeAt(end - 1))) end--;
    const symStart = i + 1;
    let symEnd = end;
    let dsoStart = -1;
    if (end > symStart && line.charCodeAt(end - 1) === 41 /* ) */) {
      const open = line.lastIndexOf('(', end - 1);
      if (open === symStart || (open > symStart && line.charCodeAt(open - 1) === 32)) {
        dsoStart = open + 1;
        symEnd = open > symStart ? open - 1 : symStart;
      }
    }
    const plus = symEnd - symStart > 3 ? line.lastIndexOf('+0x', symEnd - 1) : -1;
    if (plus > symStart && plus + 3 < symEnd) {
      let j = plus + 3;
      while (j < symEnd && isHex(line.charCodeAt(j))) j++;
      if (j === symEnd) symEnd = plus;
    }
    let sym = symEnd > symStart ? line.slice(symStart, symEnd) : '';
    if (sym === '' || sym === '[unknown]') {
      // Only now is the module needed: an unknown symbol is named after it, as stackcollapse-perf does.
      const dso = dsoStart === -1 ? '' : line.slice(dsoStart, end - 1);
      const base = dso.slice(dso.lastIndexOf('/') + 1);
      sym = base !== '' && dso !== '[unknown]' ? `[${base}]` : '[unknown]';
    }
    this.frames[this.depth++] = cleanName(sym);
  }

  private commit(): void {
    this.inSample = false;
    this.stats.samples += 1;
    const parts = this.parts;
    let k = 0;
    if (this.root !== undefined) parts[k++] = this.root;
    if (this.truncated) {
      this.stats.truncatedStacks += 1;
      parts[k++] = TRUNCATED_FRAME;
    }
    for (let i = this.depth - 1; i >= 0; i--) parts[k++] = this.frames[i] as string;
    parts.length = k;
    const key = k > 0 ? parts.join(';') : '[unknown]';
    const known = this.stacks.get(key);
    if (known !== undefined) this.stacks.set(key, known + this.weight);
    else if (this.stacks.size < this.maxStacks && this.stackChars + key.length <= this.maxStackChars) {
      this.stacks.set(key, this.weight);
      this.stackChars += key.length;
    } else {
      this.stats.otherStacks += 1;
      this.stacks.set(OTHER_FRAME, (this.stacks.get(OTHER_FRAME) ?? 0) + this.weight);
    }
    this.total += this.weight;
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** A `;` would split a frame in the folded format; control characters have no business in a name. */
function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[;\x00-\x1f\x7f]/.test(name) ? name.replace(/;/g, ':').replace(/[\x00-\x1f\x7f]/g, '?') : name;
}

/** Collapses a whole `perf script` stream (a file stream, an HTTP body, chunks in a test). */
export async function collapsePerfScript(source: ByteSource, options: CollapseOptions = {}): Promise<FoldedProfile> {
  const collapser = new PerfCollapser(options);
  const lines = await forEachLine(source, (l) => collapser.line(l));
  return collapser.end(lines.overlong);
}
