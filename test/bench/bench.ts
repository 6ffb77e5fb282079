/** What a benchmark file (`test/bench/<name>.bench.ts`) exports for test/bench/run.ts. */
export interface BenchResult {
  /** What was measured, e.g. "folded stacks, 1 GB". */
  name: string;
  value: number;
  unit: string;
  /** The goal in words, printed beside the figure; benchmarks report, they do not fail. */
  goal?: string;
  /** Context: the baseline, the ratio, the sizes. */
  note?: string;
}

export interface BenchContext {
  /** Smaller inputs, for a quick look (`npm run bench -- --quick`). */
  quick: boolean;
  /** Progress lines, on stderr. */
  log: (line: string) => void;
}

export interface Bench {
  name: string;
  run: (ctx: BenchContext) => Promise<BenchResult[]>;
}
