import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { loadKubeConfig } from '../kube/client.ts';
import { startManager, type ManagerOptions } from '../operator/manager.ts';
import { DEFAULT_TOOL_PRIVILEGES } from '../operator/powertoolconfig/check.ts';
import { logger } from '../telemetry/log.ts';
import { UsageError, type Command } from './command.ts';

const HELP = `Run the TOE operator: the PowerTool, PowerToolConfig and PowerToolProcessing controllers, admission, reports,
metrics and leader election.

Usage:
  toe operator [options]

Options:
  --namespace NS            the operator's namespace, where PowerToolConfigs and the Lease live (default: $POD_NAMESPACE or toe-system)
  --http-bind HOST:PORT     /metrics, /healthz and /readyz (default 0.0.0.0:8080)
  --leader-elect BOOL       run only while holding the Lease (default true)
  --lease-name NAME         the Lease (default toe-operator)
  --identity ID             this replica's name in the Lease (default: hostname-pid)
  --collector-url URL       where tools in collector mode send their output
  --inject-concurrency N    targets injected in parallel (default 10)
  --allow-privileged-tools  let PowerToolConfigs ask for privileged containers
  --webhook-bind HOST:PORT  serve admission on this address (default: no admission)
  --webhook-url URL         how the API server reaches admission (host-run), e.g. https://127.0.0.1:9443
  --webhook-service NS/NAME how the API server reaches admission in-cluster (a Service on port 443)
  --reports-dir DIR         process PowerToolProcessings, writing HTML reports here (the chart uses /var/lib/toe/reports);
                            without it they are not processed
  --reports-bind HOST:PORT  serve the reports here; each processing's Service points at the leader (default: not served)
  --reports-address IP      the address those Services send to (default: $POD_IP, else the --reports-bind host)
  --reports-url-base URL    report URLs in status start with this when a processing has no Ingress
`;

function hostPort(value: string, flag: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`${flag} must be HOST:PORT, got "${value}"`, 'operator');
  return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
}

export const operator: Command = async (argv, streams) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      namespace: { type: 'string' },
      'http-bind': { type: 'string', default: '0.0.0.0:8080' },
      'leader-elect': { type: 'string', default: 'true' },
      'lease-name': { type: 'string', default: 'toe-operator' },
      identity: { type: 'string' },
      'collector-url': { type: 'string' },
      'inject-concurrency': { type: 'string', default: '10' },
      'allow-privileged-tools': { type: 'boolean', default: false },
      'webhook-bind': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-service': { type: 'string' },
      'reports-dir': { type: 'string' },
      'reports-bind': { type: 'string' },
      'reports-address': { type: 'string' },
      'reports-url-base': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    streams.out.write(HELP);
    return 0;
  }
  const concurrency = Number(values['inject-concurrency']);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100)
    throw new UsageError('--inject-concurrency must be an integer from 1 to 100', 'operator');
  if (!['true', 'false'].includes(values['leader-elect'])) throw new UsageError('--leader-elect must be true or false', 'operator');
  if (values['webhook-bind'] && !values['webhook-url'] && !values['webhook-service'])
    throw new UsageError('--webhook-bind needs --webhook-url or --webhook-service', 'operator');

  const reportsBind = values['reports-bind'] ? hostPort(values['reports-bind'], '--reports-bind') : undefined;
  const reportsAddress =
    values['reports-address'] ??
    process.env.POD_IP ??
    (reportsBind && isIP(reportsBind.host) && !['0.0.0.0', '::'].includes(reportsBind.host) ? reportsBind.host : undefined);
  if (values['reports-address'] !== undefined && !isIP(values['reports-address']))
    throw new UsageError(`--reports-address must be an IP address, got "${values['reports-address']}"`, 'operator');
  if (values['reports-url-base'] !== undefined && !/^https?:\/\/[^\s]+$/.test(values['reports-url-base']))
    throw new UsageError('--reports-url-base must be an http(s) URL', 'operator');
  const reportsDir = values['reports-dir'];
  if (reportsDir !== undefined && reportsDir.trim() === '') throw new UsageError('--reports-dir must be a directory path', 'operator');
  if (reportsDir === undefined && (reportsBind || values['reports-address'] || values['reports-url-base']))
    throw new UsageError('--reports-bind, --reports-address and --reports-url-base need --reports-dir', 'operator');

  const log = logger('operator');
  const operatorNamespace = values.namespace ?? process.env.POD_NAMESPACE ?? 'toe-system';
  const webhook = values['webhook-bind'] ? hostPort(values['webhook-bind'], '--webhook-bind') : undefined;
  const opts: ManagerOptions = {
    operatorNamespace,
    identity: values.identity ?? `${hostname()}-${process.pid}`,
    http: hostPort(values['http-bind'], '--http-bind'),
    leaderElection: values['leader-elect'] === 'true',
    leaseName: values['lease-name'],
    collectorUrl: values['collector-url'],
    injectConcurrency: concurrency,
    privileges: { ...DEFAULT_TOOL_PRIVILEGES, allowPrivileged: values['allow-privileged-tools'] },
    // Opt-in: a host-run operator writes nowhere on its host unless asked (the chart asks).
    ...(reportsDir
      ? {
          processing: {
            reportsDir,
            ...(reportsBind ? { bind: reportsBind } : {}),
            ...(reportsBind && reportsAddress ? { address: reportsAddress } : {}),
            ...(values['reports-url-base'] ? { urlBase: values['reports-url-base'] } : {}),
          },
        }
      : {}),
  };
  if (webhook) {
    const [svcNs, svcName] = (values['webhook-service'] ?? '').split('/');
    const clientConfig = values['webhook-url']
      ? { url: values['webhook-url'] }
      : { service: { namespace: svcNs ?? operatorNamespace, name: svcName ?? 'toe-operator' } };
    opts.admission = async (deps) => {
      const { startAdmission } = await import('../operator/admission/index.ts');
      return startAdmission({
        ...deps,
        configs: deps.caches.configs,
        emergencyStops: deps.caches.emergencyStops,
        operatorNamespace,
        listen: webhook,
        clientConfig,
        log: logger('operator.admission'),
      });
    };
  }
  const manager = await startManager(loadKubeConfig(), opts);
  log.info(
    { namespace: operatorNamespace, identity: opts.identity, http: manager.httpPort, reports: manager.reportsPort },
    'operator started',
  );
  if (!reportsDir) log.info({}, 'PowerToolProcessings are not processed: start with --reports-dir to build reports');

  const stopSignal = new Promise<string>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve(sig));
  });
  const outcome = await Promise.race([stopSignal, manager.lost.then(() => 'lost')]);
  log.info({ reason: outcome }, 'operator stopping');
  await manager.stop();
  return outcome === 'lost' ? 1 : 0;
};
