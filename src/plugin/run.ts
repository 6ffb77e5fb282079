import { parseArgs } from 'node:util';
import { GROUP, VERSION, powerToolConfigSpec, powerToolSpec, type PowerToolConfig } from '../api/index.ts';
import { EXIT_OK, UsageError, type Command } from '../cli/command.ts';
import { apiMessage } from '../kube/errors.ts';
import { admitPowerTool } from '../policy/admit.ts';
import { commonOptions, target } from './context.ts';
import { runSpec } from './run-spec.ts';

export const RUN_USAGE = `Run a tool against pods: creates a PowerTool.

Usage:
  kubectl toe run TOOL -l KEY=VALUE[,KEY=VALUE] [-n NS] [--duration 30s] [--container C] [--pod NAME]...
                  [--max-targets N] [--output-mode logs|pvc|collector] [--name NAME] [--dry-run] [-- TOOL ARGS...]

The arguments after -- go to the tool as they are (never through a shell) and are checked against the tool's
PowerToolConfig allowlist here and again by admission and the operator.
`;

/** Finds the tool's config where the operator keeps them; absent or unreadable, admission still checks. */
async function configFor(t: ReturnType<typeof target>, tool: string, operatorNamespace: string): Promise<PowerToolConfig | undefined> {
  const list = await t.clients.resources.configs.list(operatorNamespace).catch(() => undefined);
  return list?.items.find((c) => c.spec.tool.name === tool);
}

export const run: Command = async (argv, streams) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...commonOptions,
        selector: { type: 'string', short: 'l' },
        pod: { type: 'string', multiple: true },
        container: { type: 'string', short: 'c' },
        duration: { type: 'string', short: 'd' },
        'max-targets': { type: 'string' },
        'output-mode': { type: 'string' },
        name: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'operator-namespace': { type: 'string', default: 'toe-system' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'run');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    streams.out.write(RUN_USAGE);
    return EXIT_OK;
  }
  // parseArgs drops the "--" itself: what follows it in argv are the tool's arguments, positional or not.
  const dashes = argv.indexOf('--');
  const toolArgs = dashes >= 0 ? argv.slice(dashes + 1) : [];
  const before = dashes >= 0 ? positionals.slice(0, positionals.length - toolArgs.length) : positionals;
  if (before.length !== 1) throw new UsageError('give exactly one TOOL (the tool arguments go after --)', 'run');
  if (!values.selector) throw new UsageError('-l/--selector is required: which pods to run against', 'run');
  let spec;
  try {
    spec = runSpec({
      tool: before[0] as string,
      selector: values.selector,
      ...(values.pod ? { pods: values.pod } : {}),
      ...(values.container ? { container: values.container } : {}),
      ...(values.duration ? { duration: values.duration } : {}),
      ...(values['max-targets'] ? { maxTargets: values['max-targets'] } : {}),
      ...(values['output-mode'] ? { output: values['output-mode'] } : {}),
      dryRun: values['dry-run'],
      args: toolArgs,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'run');
  }
  const t = target(values);
  const config = await configFor(t, spec.tool.name, values['operator-namespace']);
  if (config) {
    const verdict = admitPowerTool(powerToolSpec.parse(spec), powerToolConfigSpec.parse(config.spec));
    if (!verdict.ok)
      throw new UsageError(
        `refused by the ${spec.tool.name} allowlist: ${verdict.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        'run',
      );
  } else {
    streams.err.write(
      `warning: no PowerToolConfig for ${spec.tool.name} readable in ${values['operator-namespace']}; admission checks the arguments\n`,
    );
  }
  const name = values.name ?? `${spec.tool.name}-${Date.now().toString(36)}`;
  const body = { apiVersion: `${GROUP}/${VERSION}`, kind: 'PowerTool', metadata: { name, namespace: t.namespace }, spec };
  try {
    await t.clients.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: t.namespace,
      plural: 'powertools',
      body,
    });
  } catch (err) {
    throw new Error(`create PowerTool ${t.namespace}/${name}: ${apiMessage(err)}`, { cause: err });
  }
  streams.out.write(`powertool.${GROUP}/${name} created\n`);
  streams.err.write(`follow it: kubectl toe describe ${name} -n ${t.namespace}; its output: kubectl toe logs ${name} -n ${t.namespace}\n`);
  return EXIT_OK;
};
