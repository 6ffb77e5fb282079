/**
 * The HTTPS endpoints the API server calls: POST /validate and POST /mutate, each an AdmissionReview in and out.
 * The express app is a factory (tests call it in process); `listenAdmission` adds TLS, timeouts and the address.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { listen as bindTo } from '../../net/listen.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { KeyPairPem } from './certs.ts';
import { admissionReviewRequest, reviewResponse, verdictOf, type AdmissionRequest, type AdmissionResponse } from './envelope.ts';
import { mutatePowerTool, validatePowerTool, validateScenario, validateSchedule, type ConfigLookup } from './review.ts';

export interface AdmissionAppDeps {
  configs: ConfigLookup;
  metrics: Pick<Metrics, 'admissionTotal'>;
  log: Logger;
}

// A review carries the object and, on UPDATE, the old object; each is at most the API server's 3 MiB request
// limit, so this bounds a hostile or broken caller without ever refusing a real review.
const BODY_LIMIT = '8mb';
const TIMEOUT_MS = 10_000;
// Longer than the 90 s idle timeout of Go's HTTP transport in the API server: the client closes idle
// connections, so it never sends a review down one we are closing at that moment.
const KEEP_ALIVE_MS = 95_000;
const CLOSE_GRACE_MS = 5_000;

type Kind = 'validating' | 'mutating';

export function createAdmissionApp(deps: AdmissionAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: BODY_LIMIT, type: ['application/json'] }));

  const route = (kind: Kind, review: (request: AdmissionRequest) => AdmissionResponse) => (req: Request, res: Response) => {
    const parsed = admissionReviewRequest.safeParse(req.body);
    if (!parsed.success) {
      deps.metrics.admissionTotal.inc({ kind, verdict: 'error' });
      const issue = parsed.error.issues[0];
      res.status(400).json({
        error: `not an admission.k8s.io/v1 AdmissionReview request: ${issue ? `${issue.path.join('.') || '<body>'}: ${issue.message}` : 'invalid'}`,
      });
      return;
    }
    const { request } = parsed.data;
    const response = review(request);
    const verdict = verdictOf(response);
    deps.metrics.admissionTotal.inc({ kind, verdict });
    const fields = {
      kind,
      verdict,
      operation: request.operation,
      namespace: request.namespace,
      name: request.name,
      user: request.userInfo.username,
      uid: request.uid,
    };
    if (verdict === 'denied') deps.log.info({ ...fields, message: response.status?.message }, 'powertool denied');
    else deps.log.debug(fields, 'powertool reviewed');
    res.json(reviewResponse(response));
  };

  app.post(
    '/validate',
    route('validating', (request) =>
      request.kind.kind === 'PowerToolSchedule'
        ? validateSchedule(request, deps.configs)
        : request.kind.kind === 'PowerToolScenario'
          ? validateScenario(request, deps.configs)
          : validatePowerTool(request, deps.configs),
    ),
  );
  app.post('/mutate', route('mutating', mutatePowerTool));
  app.get('/healthz', (_req, res) => void res.send('ok'));

  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    const kind: Kind = req.path === '/mutate' ? 'mutating' : 'validating';
    deps.metrics.admissionTotal.inc({ kind, verdict: 'error' });
    deps.log.warn({ kind, status, err: err.message, type: err.type }, 'admission request failed');
    res.status(status).json({ error: status === 500 ? 'internal error' : err.message });
  });
  return app;
}

export interface AdmissionServer {
  server: Server;
  port: number;
  /** Serves a new certificate to new connections, without a restart. */
  reload(serving: KeyPairPem): void;
  close(): Promise<void>;
}

export async function listenAdmission(
  app: Express,
  serving: KeyPairPem,
  listen: { host: string; port: number },
  closeGraceMs = CLOSE_GRACE_MS,
): Promise<AdmissionServer> {
  const server = createServer({ key: serving.key, cert: serving.cert, minVersion: 'TLSv1.2' }, app);
  server.requestTimeout = TIMEOUT_MS;
  server.headersTimeout = TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Raw TCP sockets, including those still in the TLS handshake, which the HTTP layer does not know yet.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const { port } = await bindTo(server, listen, '--webhook-bind');
  return {
    server,
    port,
    reload: (next) => server.setSecureContext({ key: next.key, cert: next.cert, minVersion: 'TLSv1.2' }),
    close: () =>
      new Promise<void>((resolve) => {
        // Past the API server's 5 s webhook timeout, a connection still open serves no review anyone waits for
        // (a keep-alive the API server holds, a TLS handshake that never finished): close it rather than hang.
        const force = setTimeout(() => sockets.forEach((socket) => socket.destroy()), closeGraceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
