import { parseArgs } from 'node:util';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from '../cli/command.ts';
import { apiMessage } from '../kube/errors.ts';
import { commonOptions, target } from './context.ts';

export const LOGS_USAGE = `Print what each tool of a PowerTool wrote (its ephemeral container's log), target by target.

Usage:
  kubectl toe logs NAME [-n NS] [--pod POD] [--tail N]
`;

export const logs: Command = async (argv, streams) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...commonOptions, pod: { type: 'string' }, tail: { type: 'string' } },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'logs');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    streams.out.write(LOGS_USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('give one NAME', 'logs');
  const tail = values.tail === undefined ? undefined : Number(values.tail);
  if (tail !== undefined && !(Number.isInteger(tail) && tail > 0))
    throw new UsageError(`--tail must be a positive whole number, got "${values.tail}"`, 'logs');
  const t = target(values);
  const p = await t.clients.resources.powerTools.get(t.namespace, positionals[0] as string);
  const targets = (p.status?.targets ?? []).filter((x) => x.ephemeralContainer && (!values.pod || x.pod === values.pod));
  if (targets.length === 0) {
    streams.err.write(
      `PowerTool ${t.namespace}/${p.metadata.name} has no tool container${values.pod ? ` on pod ${values.pod}` : ''} yet\n`,
    );
    return EXIT_FAILURE;
  }
  let failed = false;
  for (const x of targets) {
    streams.out.write(`==> ${x.pod}/${x.ephemeralContainer} (${x.phase}) <==\n`);
    try {
      const text = await t.clients.core.readNamespacedPodLog({
        name: x.pod,
        namespace: t.namespace,
        container: x.ephemeralContainer as string,
        ...(tail ? { tailLines: tail } : {}),
      });
      streams.out.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    } catch (err) {
      failed = true;
      streams.err.write(`${x.pod}: ${apiMessage(err)}\n`);
    }
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
};
