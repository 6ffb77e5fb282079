/**
 * One measurement in a fresh process, so that its peak RSS is its own: `baseline` splits the file into lines with
 * readline (the floor any line-based parser pays), `folded` builds folded stacks from it. Prints one JSON line.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { collapsePerfScript } from '../../processing/kinds/perf/parse.ts';

const [mode, path] = process.argv.slice(2) as ['baseline' | 'folded', string];
const started = process.hrtime.bigint();
let detail: Record<string, number> = {};
if (mode === 'baseline') {
  let lines = 0;
  for await (const _line of createInterface({ input: createReadStream(path, { highWaterMark: 1 << 16 }), crlfDelay: Infinity })) lines++;
  detail = { lines };
} else {
  const p = await collapsePerfScript(createReadStream(path, { highWaterMark: 1 << 16 }));
  detail = { samples: p.stats.samples, stacks: p.stacks.size };
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ mode, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...detail })}\n`);
