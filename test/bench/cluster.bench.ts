/**
 * `toe cluster` on this machine, through the real command: warm `up` to a Ready node whose Service names resolve,
 * `down`, and the API-server-only `up` integration suites use. Leaves the cluster as it found it (running or not).
 * Needs the build cache (the first `up` on a machine builds Kubernetes: ~15 min, not measured here).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { layout } from '../../src/cluster/layout.ts';
import { isUp } from '../../src/cluster/modes.ts';
import { readState } from '../../src/cluster/state.ts';
import type { Bench, BenchResult } from './bench.ts';

const run = promisify(execFile);
const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;

async function timed(args: string[]): Promise<number> {
  const started = performance.now();
  await run(process.execPath, ['--import', 'tsx', main, 'cluster', ...args, '-q'], { maxBuffer: 16 * 1024 * 1024 });
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export const bench: Bench = {
  name: 'toe cluster (warm: binaries and images cached)',
  run: async ({ quick, log }) => {
    const wasUp = await isUp(await readState(layout().stateFile), 'node');
    const rounds = quick ? 1 : 3;
    const up: number[] = [];
    const down: number[] = [];
    const apiserver: number[] = [];
    if (wasUp) down.push(await timed(['down']));
    for (let i = 0; i < rounds; i++) {
      log(`round ${i + 1}/${rounds}`);
      up.push(await timed(['up']));
      down.push(await timed(['down']));
      apiserver.push(await timed(['up', '--apiserver-only']));
      await timed(['down']);
    }
    if (wasUp) await timed(['up']);
    const results: BenchResult[] = [
      {
        name: 'up: node Ready, DNS answering (median)',
        value: median(up),
        unit: 's',
        goal: '≤ 60 s',
        note: `${rounds} runs: ${up.map((x) => x.toFixed(1)).join(', ')}`,
      },
      { name: 'down: no process or mount left (median)', value: median(down), unit: 's', goal: '≤ 15 s', note: `${down.length} runs` },
      { name: 'up --apiserver-only (median)', value: median(apiserver), unit: 's', goal: '≤ 15 s', note: `${rounds} runs` },
    ];
    return results;
  },
};
