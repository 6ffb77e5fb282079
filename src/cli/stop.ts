import { parseArgs } from 'node:util';
import type { EmergencyStop } from '../api/index.ts';
import { loadKubeConfig, makeClients } from '../kube/client.ts';
import { classify } from '../kube/errors.ts';
import type { Live } from '../kube/resources.ts';
import { waitFor } from '../kube/wait.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './command.ts';

const USAGE = `The emergency stop: stop every running PowerTool in the cluster, undo their faults, refuse new runs until cleared.

Usage:
  toe stop --all --reason TEXT [--name NAME] [--timeout 30s]   pull it and wait until the operator reports every tool stopped
  toe stop --clear [--name NAME]                                release it (every stop, or the one named)
  toe stop --status [-o text|json]                              show the stops in force and what they stopped

kubectl alone does the same: create an EmergencyStop (kind EmergencyStop, toe.dev/v1alpha1, spec.reason) and delete it.
`;

export interface StopOptions {
  verb: 'all' | 'clear' | 'status';
  reason?: string;
  name?: string;
  timeoutMs: number;
  output: 'text' | 'json';
}

export function stopOptions(argv: string[]): StopOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        all: { type: 'boolean', default: false },
        clear: { type: 'boolean', default: false },
        status: { type: 'boolean', default: false },
        reason: { type: 'string' },
        name: { type: 'string' },
        timeout: { type: 'string', default: '30s' },
        output: { type: 'string', short: 'o', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'stop');
  }
  if (values.help) return 'help';
  const verbs = (['all', 'clear', 'status'] as const).filter((v) => values[v]);
  if (verbs.length !== 1) throw new UsageError('give exactly one of --all, --clear, --status', 'stop');
  const verb = verbs[0] as StopOptions['verb'];
  if (verb === 'all' && !values.reason?.trim()) throw new UsageError('--all needs --reason "why" (it is shown on every refusal)', 'stop');
  if (verb !== 'all' && values.reason !== undefined) throw new UsageError('--reason applies to --all only', 'stop');
  if (values.name !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(values.name))
    throw new UsageError(`--name must be a DNS label, got "${values.name}"`, 'stop');
  const m = /^(\d+)s$/.exec(values.timeout);
  if (!m) throw new UsageError(`--timeout must be seconds such as 30s, got "${values.timeout}"`, 'stop');
  if (values.output !== 'text' && values.output !== 'json') throw new UsageError(`--output must be text or json`, 'stop');
  return {
    verb,
    ...(values.reason ? { reason: values.reason.trim() } : {}),
    ...(values.name ? { name: values.name } : {}),
    timeoutMs: Number(m[1]) * 1000,
    output: values.output,
  };
}

type Stop = Live<EmergencyStop>;

function line(s: Stop): string {
  const st = s.status;
  const by = st?.activatedBy?.username ?? 'unrecorded';
  const counts = st
    ? `stopped ${st.stoppedCount ?? 0} PowerTool(s), ${st.runningCount ?? 0} tool(s) still running`
    : 'no operator report yet';
  return `EmergencyStop ${s.metadata.name}: "${s.spec.reason}" by ${by} at ${s.metadata.creationTimestamp ?? '?'}; ${counts}\n`;
}

export const stop: Command = async (argv, streams) => {
  const o = stopOptions(argv);
  if (o === 'help') {
    streams.out.write(USAGE);
    return EXIT_OK;
  }
  const api = makeClients(loadKubeConfig()).resources.emergencyStops;
  if (o.verb === 'status') {
    const items = (await api.list()).items;
    if (o.output === 'json') streams.out.write(JSON.stringify(items, null, 2) + '\n');
    else if (items.length === 0) streams.out.write('no emergency stop is active\n');
    else for (const s of items) streams.out.write(line(s));
    return EXIT_OK;
  }
  if (o.verb === 'clear') {
    const names = o.name ? [o.name] : (await api.list()).items.map((s) => s.metadata.name);
    if (names.length === 0) streams.err.write('no emergency stop is active: nothing to clear\n');
    for (const name of names) {
      await api.delete(name).catch((err: unknown) => {
        if (classify(err) !== 'gone') throw err;
      });
      streams.err.write(`cleared EmergencyStop ${name}; new PowerTools may start (stopped ones stay stopped)\n`);
    }
    return EXIT_OK;
  }
  const name = o.name ?? 'emergency-stop';
  try {
    await api.create({ apiVersion: 'toe.dev/v1alpha1', kind: 'EmergencyStop', metadata: { name }, spec: { reason: o.reason ?? '' } });
    streams.err.write(`EmergencyStop ${name} pulled: every PowerTool is being stopped\n`);
  } catch (err) {
    if (classify(err) !== 'conflict') throw err;
    streams.err.write(`EmergencyStop ${name} was already active\n`);
  }
  try {
    const done = await waitFor(
      'the operator to report every tool stopped',
      async () => {
        const s = await api.get(name);
        return s.status?.conditions?.find((c) => c.type === 'Stopped')?.status === 'True' ? s : undefined;
      },
      { timeoutMs: o.timeoutMs },
    );
    streams.out.write(line(done));
    return EXIT_OK;
  } catch {
    const s = await api.get(name).catch(() => undefined);
    streams.err.write(
      `the stop is active, but within ${o.timeoutMs / 1000}s no operator reported every tool stopped (is the operator running?)\n`,
    );
    if (s) streams.out.write(line(s));
    return EXIT_FAILURE;
  }
};
