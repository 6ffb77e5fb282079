/**
 * Listening for the collector app: HTTP, or HTTPS when a certificate is given, with timeouts suited to long
 * streamed uploads, and a graceful close.
 *
 * Node's default `requestTimeout` (5 min for a whole request) would cut a tool that streams one body for the
 * length of its run, so it is off; instead a socket with no traffic for the idle timeout is closed, the same
 * budget after which the sweeper finalises the upload as partial.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { listen, urlOf } from '../net/listen.ts';

export interface ServeOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  idleTimeoutMs: number;
}

export interface Serving {
  url: string;
  address: AddressInfo;
  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then closes what is left. */
  close: (graceMs: number) => Promise<void>;
}

export async function serve(app: Express, options: ServeOptions): Promise<Serving> {
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, app) : createHttpServer(app);
  // Answered by the app (app.ts continueBody): a refused upload is refused before its body is sent.
  server.on('checkContinue', app);
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.timeout = options.idleTimeoutMs;
  const address = await listen(server, options, '--listen');
  return {
    url: urlOf(address, options.tls ? 'https' : 'http'),
    address,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
