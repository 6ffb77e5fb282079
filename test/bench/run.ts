/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (each exports `bench: Bench`, see bench.ts) and prints its
 * figures. Arguments filter by name (`npm run bench -- folded`); `--quick` asks for small inputs. Timing never fails
 * the run: benchmarks report, tests assert.
 */
import { readdirSync } from 'node:fs';
import type { Bench, BenchResult } from './bench.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const dir = new URL('./', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

function format(r: BenchResult): string {
  const value = Number.isInteger(r.value) ? String(r.value) : r.value.toFixed(1);
  return `  ${r.name.padEnd(44)} ${`${value} ${r.unit}`.padStart(14)}${r.goal ? `   goal ${r.goal}` : ''}${r.note ? `   (${r.note})` : ''}`;
}

let failed = 0;
for (const file of files) {
  const mod = (await import(new URL(file, dir).href)) as { bench?: Bench };
  if (!mod.bench) {
    process.stderr.write(`${file}: exports no \`bench\`; skipped\n`);
    continue;
  }
  process.stdout.write(`\n${mod.bench.name}\n`);
  try {
    const results = await mod.bench.run({ quick, log: (line) => process.stderr.write(`  … ${line}\n`) });
    for (const r of results) process.stdout.write(`${format(r)}\n`);
  } catch (err) {
    failed += 1;
    process.stderr.write(`${file}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
}
if (files.length === 0) process.stdout.write(`no benchmark matches ${only.join(', ')}\n`);
process.exit(failed > 0 ? 1 : 0);
