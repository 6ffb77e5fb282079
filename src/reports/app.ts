/**
 * `toe reports`: a read-only server for the HTML reports in one directory. GET and HEAD only; every path is
 * resolved inside the directory (see resolve.ts) and anything else is a 404 that names nothing on disk.
 * Responses carry validators (ETag, Last-Modified) so a browser revalidates instead of downloading again,
 * are compressed when the client accepts it, and carry security headers that back up each page's own CSP.
 */
import compression from 'compression';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createReadStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { renderIndex } from '../../processing/report/index.ts';
import type { Logger } from '../telemetry/log.ts';
import { listReports } from './list.ts';
import { resolveReport } from './resolve.ts';

export interface ReportsAppOptions {
  dir: string;
  log?: Logger;
}

// The header policy allows inline code only because each page's meta CSP narrows it to the hashes of its own
// script and style; both policies apply, so the effective rule is the stricter one. frame-ancestors only works here.
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  next();
}

export async function createReportsApp(options: ReportsAppOptions): Promise<Express> {
  const root = await realpath(options.dir).catch((err: unknown) => {
    throw new Error(`reports directory ${options.dir} cannot be read`, { cause: err });
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');
  app.use(securityHeaders);
  app.use(compression());

  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    res.set('Allow', 'GET, HEAD').status(405).type('text/plain').send('method not allowed: reports are read-only\n');
  });

  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').type('text/plain').send('ok\n');
  });

  app.use(async (req, res, next) => {
    try {
      const url = req.originalUrl;
      if (url.includes('\0') || /%00/i.test(url)) return notFound(res);
      const path = url.split('?')[0] as string;
      const target = path === '/' ? '/index.html' : path;
      const found = await resolveReport(root, target);
      if ('refused' in found) {
        if (target === '/index.html') return sendIndex(root, res);
        options.log?.debug({ path: url.slice(0, 256), reason: found.refused }, 'report refused');
        return notFound(res);
      }
      res.set({
        'Content-Type': found.type,
        'Last-Modified': found.mtime.toUTCString(),
        ETag: `"${found.size.toString(16)}-${Math.floor(found.mtime.getTime()).toString(16)}"`,
        'Cache-Control': 'no-cache',
      });
      if (req.fresh) return void res.status(304).end();
      res.set('Content-Length', String(found.size));
      if (req.method === 'HEAD') return void res.end();
      const stream = createReadStream(found.file);
      stream.on('error', next);
      stream.pipe(res);
    } catch (err) {
      next(err);
    }
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    options.log?.error({ err }, 'serving a report failed');
    if (!res.headersSent) res.status(500).type('text/plain').send('internal error\n');
    else res.destroy();
  });
  return app;
}

function notFound(res: Response): void {
  res.status(404).type('text/plain').send('not found\n');
}

async function sendIndex(root: string, res: Response): Promise<void> {
  // Generated on each request: the list changes as reports come and go; express sets an ETag from the body.
  const body = renderIndex(await listReports(root));
  res.set('Cache-Control', 'no-cache').type('html').send(body);
}
