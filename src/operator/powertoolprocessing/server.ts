/**
 * The operator serves its reports itself, with `toe reports`' read-only app (src/reports/app.ts), on
 * --reports-bind. Why in the operator: the leader writes the reports, so the leader serving them needs no shared
 * volume and no second Deployment; expose.ts points each processing's Service at the leader. The cost, said
 * plainly: reports live on the leader's disk. After a fail-over the new leader rebuilds the kept reports whose
 * runs still exist (retention.ts treats a missing file as not built) and the others answer 404 until pruned; a
 * ReadWriteMany volume for --reports-dir shared by the replicas removes that gap.
 *
 * An Ingress forwards the path unchanged and has no portable rewrite, so a report under the prefix `/toe` arrives
 * as `/toe/<namespace>/<processing>/<id>.html`: the prefixes of the processings' Ingresses are stripped before the
 * app resolves the path (a path that names a file as it is wins, so a prefix equal to a namespace still works).
 * Like `toe reports`, this serves every report to whoever reaches the port or an Ingress: reports hold pod and
 * function names, not secrets; restrict who reaches them with a NetworkPolicy or the Ingress controller's auth.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { listen } from '../../net/listen.ts';
import { createReportsApp } from '../../reports/app.ts';
import { resolveReport } from '../../reports/resolve.ts';

export interface ReportsServer {
  port: number;
  close(): Promise<void>;
}

export type Route = { redirect: string } | { candidates: string[] };

/** Pure: the paths to try for a request, as it came and with the longest matching prefix taken off. */
export function route(url: string, prefixes: readonly string[]): Route {
  const [path = '/', query] = url.split(/\?(.*)/s, 2);
  const sorted = [...new Set(prefixes.filter((p) => p !== '/' && p.startsWith('/')))].sort((a, b) => b.length - a.length);
  for (const prefix of sorted) {
    // The index links are relative: `/toe` must become `/toe/` or they would resolve against `/`.
    if (path === prefix) return { redirect: `${prefix}/${query !== undefined ? `?${query}` : ''}` };
    if (path.startsWith(`${prefix}/`)) return { candidates: [url, url.slice(prefix.length)] };
  }
  return { candidates: [url] };
}

/**
 * Whether the browser treats the page's origin as potentially trustworthy: HTTPS (an Ingress with TLS says so in
 * X-Forwarded-Proto) or loopback. Elsewhere Chromium ignores Cross-Origin-Opener-Policy and logs a console error
 * about it on every report opened over plain HTTP through a host name; the header protects nothing there.
 */
export function trustworthy(req: IncomingMessage): boolean {
  if (req.headers['x-forwarded-proto'] === 'https' || (req.socket as { encrypted?: boolean }).encrypted) return true;
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

function dropHeader(res: ServerResponse, name: string): void {
  const set = res.setHeader.bind(res);
  res.setHeader = (field: string, value: number | string | readonly string[]) => (field.toLowerCase() === name ? res : set(field, value));
}

export async function startReportsServer(opts: {
  dir: string;
  host: string;
  port: number;
  prefixes: () => string[];
  log: Logger;
}): Promise<ReportsServer> {
  await mkdir(opts.dir, { recursive: true });
  const app = await createReportsApp({ dir: opts.dir, log: opts.log });
  const server: Server = createServer((req, res) => {
    void (async () => {
      const r = route(req.url ?? '/', opts.prefixes());
      if ('redirect' in r) {
        res.writeHead(308, { Location: r.redirect, 'Content-Type': 'text/plain' }).end('moved\n');
        return;
      }
      let chosen = r.candidates[r.candidates.length - 1] as string;
      if (r.candidates.length > 1) {
        const asIs = (r.candidates[0] as string).split('?')[0] as string;
        const found = await resolveReport(opts.dir, asIs).catch(() => ({ refused: 'not-found' as const }));
        if (!('refused' in found)) chosen = r.candidates[0] as string;
      }
      req.url = chosen;
      if (!trustworthy(req)) dropHeader(res, 'cross-origin-opener-policy');
      app(req, res);
    })().catch((err: unknown) => {
      opts.log.error({ err: String(err) }, 'serving a report failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  const { port } = await listen(server, opts, '--reports-bind');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
