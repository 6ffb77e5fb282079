import { parseArgs } from 'node:util';
import type { PowerTool } from '../api/index.ts';
import { EXIT_OK, UsageError, type Command } from '../cli/command.ts';
import type { Live } from '../kube/resources.ts';
import { age, commonOptions, table, target } from './context.ts';

export const GET_USAGE = `List PowerTools (or one), as kubectl get pt does, with the targets' progress.

Usage:
  kubectl toe get [NAME] [-n NS | -A] [-o text|json]
`;

export function powerToolRows(items: readonly Live<PowerTool>[], allNamespaces: boolean, now = Date.now()): string[][] {
  const head = [...(allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'TOOL', 'PHASE', 'TARGETS', 'STEADY-STATE', 'AGE'];
  const rows = items.map((p) => {
    const targets = p.status?.targets ?? [];
    const ended = targets.filter((t) => ['Succeeded', 'Failed', 'Stopped', 'Gone'].includes(t.phase)).length;
    const held = p.status?.conditions?.find((c) => c.type === 'SteadyStateHeld');
    return [
      ...(allNamespaces ? [p.metadata.namespace ?? ''] : []),
      p.metadata.name,
      p.spec.tool.name,
      p.status?.phase ?? 'Pending',
      `${ended}/${targets.length}`,
      held ? `${held.status === 'True' ? 'Held' : (held.reason ?? 'False')}` : '-',
      age(p.metadata.creationTimestamp, now),
    ];
  });
  return [head, ...rows];
}

export const get: Command = async (argv, streams) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...commonOptions,
        'all-namespaces': { type: 'boolean', short: 'A', default: false },
        output: { type: 'string', short: 'o', default: 'text' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'get');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    streams.out.write(GET_USAGE);
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError('give at most one NAME', 'get');
  if (values.output !== 'text' && values.output !== 'json') throw new UsageError('--output must be text or json', 'get');
  const t = target(values);
  const all = values['all-namespaces'];
  const [name] = positionals;
  const items = name
    ? [await t.clients.resources.powerTools.get(t.namespace, name)]
    : (await t.clients.resources.powerTools.list(all ? undefined : t.namespace)).items;
  if (values.output === 'json') streams.out.write(JSON.stringify(name ? items[0] : items, null, 2) + '\n');
  else if (items.length === 0) streams.err.write(`No PowerTools found in ${all ? 'any namespace' : `namespace ${t.namespace}`}.\n`);
  else streams.out.write(table(powerToolRows(items, all)));
  return EXIT_OK;
};
