/**
 * Folded-stack building (processing/kinds/perf/parse.ts) on a synthetic perf script of 100 MB and 1 GB, written to a temp file
 * in chunks and read back as a stream. Each figure comes from a fresh process (so peak RSS is that run's alone),
 * best of a few runs because the machine is shared; the baseline is readline splitting the same file into lines,
 * measured in the same run, so the ratio holds on a slower or busier machine.
 * Goals: at least 100 MB/s, and peak RSS under 200 MB whatever the input size.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Bench, BenchResult } from './bench.ts';
import { writeSyntheticPerfScript } from './synthetic-perf.ts';

const run = promisify(execFile);
const worker = new URL('./folded-worker.ts', import.meta.url).pathname;
const MB = 1e6;

interface Measurement {
  seconds: number;
  maxRssBytes: number;
  samples?: number;
  stacks?: number;
}

async function measure(mode: 'baseline' | 'folded', path: string, runs: number): Promise<Measurement> {
  let best: Measurement | undefined;
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', worker, mode, path], { maxBuffer: 1 << 20 });
    const m = JSON.parse(stdout.trim().split('\n').pop() as string) as Measurement;
    peak = Math.max(peak, m.maxRssBytes);
    if (!best || m.seconds < best.seconds) best = m;
  }
  return { ...(best as Measurement), maxRssBytes: peak };
}

export const bench: Bench = {
  name: 'folded stacks from perf script (processing/kinds/perf/parse.ts)',
  async run({ quick, log }) {
    const sizes = quick ? [20 * MB, 100 * MB] : [100 * MB, 1000 * MB];
    const dir = mkdtempSync(join(tmpdir(), 'toe-bench-'));
    const results: BenchResult[] = [];
    try {
      for (const size of sizes) {
        const path = join(dir, 'perf.script');
        log(`writing ${size / MB} MB of synthetic perf script`);
        const written = await writeSyntheticPerfScript(path, size);
        const runs = size > 200 * MB ? 2 : 3;
        log(`measuring readline baseline and folded stacks, best of ${runs}`);
        const base = await measure('baseline', path, runs);
        const folded = await measure('folded', path, runs);
        rmSync(path);
        const label = `${Math.round(written.bytes / MB)} MB`;
        const rate = written.bytes / MB / folded.seconds;
        const baseRate = written.bytes / MB / base.seconds;
        results.push(
          {
            name: `folded stacks, ${label}`,
            value: rate,
            unit: 'MB/s',
            goal: '≥ 100 MB/s',
            note: `${folded.samples} samples → ${folded.stacks} stacks in ${folded.seconds.toFixed(2)} s`,
          },
          { name: `readline baseline, ${label}`, value: baseRate, unit: 'MB/s', note: `${base.seconds.toFixed(2)} s` },
          { name: `folded / readline, ${label}`, value: rate / baseRate, unit: '×' },
          {
            name: `folded peak RSS, ${label}`,
            value: folded.maxRssBytes / MB,
            unit: 'MB',
            goal: '< 200 MB',
            note: `readline baseline peak ${(base.maxRssBytes / MB).toFixed(0)} MB`,
          },
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return results;
  },
};
