import { parseArgs } from 'node:util';
import { failed, type Finding } from '../check/finding.ts';
import { runChecks } from '../check/run.ts';
import { loadKubeConfig, makeClients } from '../kube/client.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type Command } from './command.ts';

const USAGE = `Preflight: can PowerTools run in this cluster and namespace? Names each broken precondition and its fix.

Usage:
  toe check [-n NAMESPACE] [--operator-namespace toe-system] [--lease-name toe-operator] [-o text|json]

Checks: the toe.dev CRDs (installed, Established, this version's schema), the operator (its leader Lease renewed),
the PowerToolConfigs (Ready, their images on a node), the namespace (opted in, its Pod Security level against each
tool's security context), your rights there, and admission (the API server reaches the webhook).
Exit status 1 when any check fails.
`;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface CheckCliOptions {
  namespace?: string;
  operatorNamespace: string;
  leaseName: string;
  output: 'text' | 'json';
}

export function checkOptions(argv: string[]): CheckCliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        namespace: { type: 'string', short: 'n' },
        'operator-namespace': { type: 'string', default: 'toe-system' },
        'lease-name': { type: 'string', default: 'toe-operator' },
        output: { type: 'string', short: 'o', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'check');
  }
  if (values.help) return 'help';
  for (const [flag, v] of [
    ['--namespace', values.namespace],
    ['--operator-namespace', values['operator-namespace']],
  ] as const) {
    if (v !== undefined && !DNS_LABEL.test(v)) throw new UsageError(`${flag} must be a namespace name (a DNS label), got "${v}"`, 'check');
  }
  if (values.output !== 'text' && values.output !== 'json') throw new UsageError('--output must be text or json', 'check');
  return {
    ...(values.namespace ? { namespace: values.namespace } : {}),
    operatorNamespace: values['operator-namespace'],
    leaseName: values['lease-name'],
    output: values.output,
  };
}

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

export function formatFindings(findings: readonly Finding[]): string {
  const lines = findings.map(
    (f) => `${MARK[f.severity]}  ${f.check.padEnd(12)} ${f.subject}: ${f.message}${f.fix ? `\n      fix: ${f.fix}` : ''}`,
  );
  const count = (s: Finding['severity']): number => findings.filter((f) => f.severity === s).length;
  return `${lines.join('\n')}\n\n${count('fail')} failed, ${count('warn')} warnings, ${count('ok')} ok\n`;
}

export const check: Command = async (argv, streams) => {
  const o = checkOptions(argv);
  if (o === 'help') {
    streams.out.write(USAGE);
    return EXIT_OK;
  }
  const kc = loadKubeConfig();
  // As kubectl: the namespace flag, else the current context's, else default.
  const namespace = o.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  const findings = await runChecks(makeClients(kc), { namespace, operatorNamespace: o.operatorNamespace, leaseName: o.leaseName });
  streams.out.write(o.output === 'json' ? JSON.stringify({ namespace, findings }, null, 2) + '\n' : formatFindings(findings));
  return failed(findings) ? EXIT_FAILURE : EXIT_OK;
};
