import { parseArgs } from 'node:util';
import type { CoreV1Event } from '@kubernetes/client-node';
import type { PowerTool } from '../api/index.ts';
import { EXIT_OK, UsageError, type Command } from '../cli/command.ts';
import type { Live } from '../kube/resources.ts';
import { age, commonOptions, table, target } from './context.ts';

export const DESCRIBE_USAGE = `Show one PowerTool: what it asked for, where it is, each target, the steady state and its Events.

Usage:
  kubectl toe describe NAME [-n NS]
`;

/** The whole story of a run, in kubectl describe's order: spec, status, per-target table, verdict, Events. */
export function describePowerTool(p: Live<PowerTool>, events: readonly CoreV1Event[], now = Date.now()): string {
  const s = p.status;
  const lines = [
    `Name:         ${p.metadata.name}`,
    `Namespace:    ${p.metadata.namespace ?? ''}`,
    `Tool:         ${p.spec.tool.name} ${(p.spec.tool.args ?? []).join(' ')}`.trimEnd(),
    `Duration:     ${p.spec.tool.duration ?? '(the config default)'}`,
    `Selector:     ${Object.entries(p.spec.targets.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}`,
    `Phase:        ${s?.phase ?? 'Pending'}`,
  ];
  if (s?.startedAt) lines.push(`Started:      ${s.startedAt}`);
  if (s?.finishedAt) lines.push(`Finished:     ${s.finishedAt}`);
  lines.push('Conditions:');
  for (const c of s?.conditions ?? []) lines.push(`  ${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`.trimEnd());
  const targets = s?.targets ?? [];
  if (targets.length > 0) {
    lines.push('Targets:');
    const rows = [['POD', 'CONTAINER', 'TOOL CONTAINER', 'PHASE', 'EXIT', 'REASON', 'MESSAGE']];
    for (const t of targets)
      rows.push([
        t.pod,
        t.container,
        t.ephemeralContainer ?? '-',
        t.phase,
        t.exitCode === undefined ? '-' : String(t.exitCode),
        t.reason ?? '-',
        t.message ?? '',
      ]);
    lines.push(
      ...table(rows)
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  for (const probe of s?.steadyState?.probes ?? []) {
    lines.push(
      `Probe ${probe.name}: ${probe.lastResult ?? 'not run'} (${probe.checks} checks, ${probe.failures} failed) ${probe.lastValue ?? ''}`.trimEnd(),
    );
  }
  lines.push('Events:');
  if (events.length === 0) lines.push('  <none>');
  for (const e of [...events].sort((a, b) => time(a) - time(b)))
    lines.push(
      `  ${age(new Date(time(e)).toISOString(), now).padEnd(6)} ${(e.type ?? '').padEnd(8)} ${(e.reason ?? '').padEnd(22)} ${e.message ?? ''}`,
    );
  return lines.join('\n') + '\n';
}

const time = (e: CoreV1Event): number =>
  new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? 0).getTime();

export const describe: Command = async (argv, streams) => {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: commonOptions });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'describe');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    streams.out.write(DESCRIBE_USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('give one NAME', 'describe');
  const t = target(values);
  const p = await t.clients.resources.powerTools.get(t.namespace, positionals[0] as string);
  const events = await t.clients.core.listNamespacedEvent({
    namespace: t.namespace,
    fieldSelector: `involvedObject.kind=PowerTool,involvedObject.name=${p.metadata.name}`,
  });
  streams.out.write(
    describePowerTool(
      p,
      events.items.filter((e) => e.involvedObject.uid === undefined || e.involvedObject.uid === p.metadata.uid),
    ),
  );
  return EXIT_OK;
};
