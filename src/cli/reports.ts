import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { listen, urlOf } from '../net/listen.ts';
import { createReportsApp } from '../reports/app.ts';
import { logger } from '../telemetry/log.ts';
import { UsageError, type Command } from './command.ts';

const DEFAULT_LISTEN = '0.0.0.0:8080';
const DEFAULT_DIR = '/var/lib/toe/reports';
const SHUTDOWN_GRACE_MS = 5_000;

const HELP = `Serve the HTML reports in a directory, read-only.

GET and HEAD only; paths resolve inside --dir (no "..", no encoded tricks, no symlinks leading out, no hidden
files); the index of runs is at /. Responses carry ETag/Last-Modified, are gzip-compressed when accepted, and
carry security headers. /healthz answers "ok" for probes.

Usage:
  toe reports [options]

Options:
  --dir DIR           the reports directory (default ${DEFAULT_DIR})
  --listen HOST:PORT  where to listen (default ${DEFAULT_LISTEN}; port 0 picks a free port)
  -h, --help          show this help
`;

export interface ReportsOptions {
  dir: string;
  listen: { host: string; port: number };
}

/** Options → validated settings; every refusal names the flag and what it allows. Pure. */
export function reportsOptions(argv: string[]): ReportsOptions | 'help' {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        dir: { type: 'string', default: DEFAULT_DIR },
        listen: { type: 'string', default: DEFAULT_LISTEN },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), 'reports');
  }
  if (values.help) return 'help';
  if (values.dir.trim() === '') throw new UsageError('--dir must be a directory path', 'reports');
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(values.listen);
  if (!m || Number(m[2]) > 65535)
    throw new UsageError(`--listen must be HOST:PORT (IPv6 in brackets, port 0-65535), got "${values.listen}"`, 'reports');
  return { dir: values.dir, listen: { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1') || '0.0.0.0', port: Number(m[2]) } };
}

export const reports: Command = async (argv, streams) => {
  const opts = reportsOptions(argv);
  if (opts === 'help') {
    streams.out.write(HELP);
    return 0;
  }
  const info = await stat(opts.dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--dir ${opts.dir} is not a directory`, 'reports');
  const log = logger('reports');
  const server = createServer(await createReportsApp({ dir: opts.dir, log }));
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  const url = `${urlOf(await listen(server, opts.listen, '--listen'), 'http')}/`;
  // The URL is the command's result (a test or script reads the port it got); progress goes to the log.
  streams.out.write(`${url}\n`);
  log.info({ url, dir: opts.dir }, 'reports server started');
  const signal = await new Promise<string>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve(sig));
  });
  log.info({ signal }, 'reports server stopping');
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
  return 0;
};
