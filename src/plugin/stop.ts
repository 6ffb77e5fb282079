import { parseArgs } from 'node:util';
import { EXIT_OK, UsageError, type Command } from '../cli/command.ts';
import { stop as emergencyStop } from '../cli/stop.ts';
import { mergePatch } from '../kube/patch.ts';
import { GROUP, VERSION } from '../api/index.ts';
import { commonOptions, target } from './context.ts';

export const STOP_USAGE = `Stop a PowerTool now: its tools stop and undo their faults (spec.suspend: true). --all is the emergency stop.

Usage:
  kubectl toe stop NAME [-n NS]
  kubectl toe stop --all --reason TEXT     (the same as toe stop --all: every PowerTool in the cluster)
`;

export const stop: Command = async (argv, streams) => {
  if (argv.includes('--all') || argv.includes('--clear') || argv.includes('--status')) return emergencyStop(argv, streams);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: commonOptions });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'stop');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    streams.out.write(STOP_USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('give one NAME (or --all for every PowerTool)', 'stop');
  const t = target(values);
  const name = positionals[0] as string;
  await t.clients.custom.patchNamespacedCustomObject(
    { group: GROUP, version: VERSION, namespace: t.namespace, plural: 'powertools', name, body: { spec: { suspend: true } } },
    mergePatch(),
  );
  streams.out.write(`powertool.${GROUP}/${name} stopping: its tools are asked to stop and undo what they did\n`);
  return EXIT_OK;
};
