import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseDuration, parseQuantity, formatDuration } from '../api/units.ts';
import { createCollectorApp } from '../collector/app.ts';
import { reviewingAuthenticator, tokenReview } from '../collector/auth.ts';
import { defaultLimits, type Limits } from '../collector/limits.ts';
import { createCollectorMetrics } from '../telemetry/metrics.ts';
import { serve } from '../collector/server.ts';
import { Store } from '../collector/store.ts';
import { startSweeper } from '../collector/sweeper.ts';
import { loadKubeConfig } from '../kube/client.ts';
import { logger } from '../telemetry/log.ts';
import { UsageError, type Command } from './command.ts';

const DEFAULT_LISTEN = '0.0.0.0:8443';
const DEFAULT_DATA_DIR = '/var/lib/toe/collector';
const DEFAULT_READER = 'system:serviceaccount:toe-system:toe-operator';
// In-flight uploads get this long to finish on SIGTERM; an unfinished one stays on disk and resumes or is swept.
const SHUTDOWN_GRACE_MS = 10_000;

const HELP = `Receive artifacts streamed by running tools (src/collector/README.md).

Tools authenticate with a pod-bound TokenRequest token (audience toe.dev/collector/<PowerTool UID>), checked with
TokenReview; files go to <data-dir>/<namespace>/<PowerTool UID>/<pod>/<artifact>, derived from that identity only.
Readers list and download with a token for the audience toe.dev/collector-reader whose user is a --reader.
The collector's ServiceAccount needs create on tokenreviews (ClusterRole system:auth-delegator).

Usage:
  toe collector [options]

Options:
  --listen HOST:PORT          where to listen (default ${DEFAULT_LISTEN}; HTTP unless --tls-cert is given)
  --data-dir DIR              where artifacts are stored (default ${DEFAULT_DATA_DIR})
  --tls-cert FILE             serve HTTPS with this PEM certificate (needs --tls-key)
  --tls-key FILE              the PEM private key of --tls-cert
  --max-artifact-bytes QTY    cap per artifact, a quantity like 512Mi (default 1Gi)
  --max-run-bytes QTY         cap per PowerTool run, all pods and artifacts (default 10Gi)
  --idle-timeout DURATION     an upload untouched this long is finalised as partial (default 5m)
  --reader USER               a user that may read artifacts; repeatable (default ${DEFAULT_READER})
  -h, --help                  show this help
`;

export interface CollectorOptions {
  listen: { host: string; port: number };
  dataDir: string;
  tls?: { certFile: string; keyFile: string };
  limits: Limits;
  readers: string[];
}

/** Options → validated settings; every refusal names the flag and what it allows. Pure. */
export function collectorOptions(argv: string[]): CollectorOptions | 'help' {
  const values = parse(argv);
  if (values.help) return 'help';
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
    throw new UsageError('--tls-cert and --tls-key go together: give both for HTTPS, or neither for HTTP', 'collector');
  if (values['data-dir'] === '') throw new UsageError('--data-dir must not be empty', 'collector');
  const maxArtifactBytes = bytes(values['max-artifact-bytes'], '--max-artifact-bytes');
  const maxRunBytes = bytes(values['max-run-bytes'], '--max-run-bytes');
  if (maxRunBytes < maxArtifactBytes) throw new UsageError('--max-run-bytes must be at least --max-artifact-bytes', 'collector');
  const idleTimeoutMs = parseDuration(values['idle-timeout']);
  if (idleTimeoutMs === undefined || idleTimeoutMs < 1000)
    throw new UsageError(`--idle-timeout must be a duration of at least 1s like 30s or 5m, got "${values['idle-timeout']}"`, 'collector');
  const readers = values.reader ?? [DEFAULT_READER];
  for (const r of readers)
    if (r.trim() === '' || r !== r.trim())
      throw new UsageError(`--reader must be a user name like ${DEFAULT_READER}, got "${r}"`, 'collector');
  return {
    listen: hostPort(values.listen),
    dataDir: values['data-dir'],
    tls: values['tls-cert'] && values['tls-key'] ? { certFile: values['tls-cert'], keyFile: values['tls-key'] } : undefined,
    limits: { maxArtifactBytes, maxRunBytes, idleTimeoutMs },
    readers,
  };
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        listen: { type: 'string', default: DEFAULT_LISTEN },
        'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'max-artifact-bytes': { type: 'string', default: '1Gi' },
        'max-run-bytes': { type: 'string', default: '10Gi' },
        'idle-timeout': { type: 'string', default: formatDuration(defaultLimits.idleTimeoutMs) },
        reader: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    // node:util's refusals (unknown flag, missing value) are usage errors: exit 2 and a pointer to -h.
    throw new UsageError(err instanceof Error ? err.message : String(err), 'collector');
  }
}

function bytes(text: string, flag: string): number {
  const n = parseQuantity(text);
  if (n === undefined || !Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a whole number of bytes as a quantity like 512Mi or 2Gi, got "${text}"`, 'collector');
  return n;
}

function hostPort(value: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`--listen must be HOST:PORT (IPv6 in brackets), got "${value}"`, 'collector');
  return { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1') || '0.0.0.0', port: Number(m[2]) };
}

export const collector: Command = async (argv, streams) => {
  const opts = collectorOptions(argv);
  if (opts === 'help') {
    streams.out.write(HELP);
    return 0;
  }
  const log = logger('collector');
  const tls = opts.tls ? { cert: await readFile(opts.tls.certFile), key: await readFile(opts.tls.keyFile) } : undefined;
  const store = await Store.open(opts.dataDir, opts.limits);
  const metrics = createCollectorMetrics();
  const authenticate = reviewingAuthenticator(tokenReview(loadKubeConfig()));
  const app = createCollectorApp({ store, authenticate, readers: opts.readers, metrics, log });
  const server = await serve(app, { host: opts.listen.host, port: opts.listen.port, tls, idleTimeoutMs: opts.limits.idleTimeoutMs });
  const stopSweeper = startSweeper(store, log, metrics);
  if (!tls && !['127.0.0.1', '::1', 'localhost'].includes(opts.listen.host)) {
    log.warn({ listen: server.url }, 'serving plain HTTP: tokens cross the network unencrypted; give --tls-cert and --tls-key');
  }
  log.info({ url: server.url, dataDir: store.dataDir, ...opts.limits, readers: opts.readers }, 'collector started');

  const signal = await new Promise<string>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve(sig));
  });
  log.info({ signal }, 'collector stopping');
  await server.close(SHUTDOWN_GRACE_MS);
  await stopSweeper();
  log.info({}, 'collector stopped');
  return 0;
};
