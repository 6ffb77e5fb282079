import { parseArgs } from 'node:util';
import type { PowerToolProcessing } from '../api/index.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from '../cli/command.ts';
import type { Live } from '../kube/resources.ts';
import { commonOptions, target } from './context.ts';

export const REPORT_USAGE = `Where the reports of a PowerTool are: the PowerToolProcessings that covered it, and each report's URL.

Usage:
  kubectl toe report NAME [-n NS]
`;

/** Every report that covers the run, newest last, with the processing that made it. */
export function reportsOf(
  powerTool: string,
  processings: readonly Live<PowerToolProcessing>[],
): { processing: string; url?: string; generatedAt: string; findings: number }[] {
  return processings
    .flatMap((p) =>
      (p.status?.reports ?? [])
        .filter((r) => r.powerTools.includes(powerTool))
        .map((r) => ({ processing: p.metadata.name, ...(r.url ? { url: r.url } : {}), generatedAt: r.generatedAt, findings: r.findings })),
    )
    .sort((a, b) => a.generatedAt.localeCompare(b.generatedAt));
}

export const report: Command = async (argv, streams) => {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: commonOptions });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'report');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    streams.out.write(REPORT_USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('give one NAME', 'report');
  const t = target(values);
  const name = positionals[0] as string;
  await t.clients.resources.powerTools.get(t.namespace, name);
  const found = reportsOf(name, (await t.clients.resources.processings.list(t.namespace)).items);
  if (found.length === 0) {
    streams.err.write(
      `no report covers PowerTool ${t.namespace}/${name} yet: create a PowerToolProcessing whose spec.source names it (samples/ has one), or wait for its trigger\n`,
    );
    return EXIT_FAILURE;
  }
  for (const r of found)
    streams.out.write(`${r.url ?? '(not exposed)'}\t${r.generatedAt}\t${r.findings} findings\tPowerToolProcessing ${r.processing}\n`);
  return EXIT_OK;
};
