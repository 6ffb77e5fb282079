/**
 * The collector's HTTP routes (src/collector/README.md, "Routes"). Tools write with a pod-bound token; the path
 * comes from the verified identity only. Readers (operator, report server) list and download with a token whose
 * user is on the `readers` allowlist. Listening, TLS and timeouts live in server.ts.
 *
 *   HEAD /v1/artifacts/:artifact                      Upload-Offset, Upload-Complete
 *   PUT  /v1/artifacts/:artifact?offset=N             append; 409 + Upload-Offset when N is not the size
 *   POST /v1/artifacts/:artifact/complete?partial=B   fsync + atomic rename, records partial
 *   GET  /v1/runs/:namespace/:uid                     artifacts of one PowerTool (readers)
 *   GET  /v1/runs/:namespace/:uid/:pod/:artifact      one finished artifact (readers)
 *   GET  /healthz, GET /metrics
 */
import express, { type Express, type Request, type Response } from 'express';
import { logger, type Logger } from '../telemetry/log.ts';
import { createCollectorMetrics, type CollectorMetrics } from '../telemetry/metrics.ts';
import type { Authenticator, ToolIdentity } from './auth.ts';
import { errorHandler, HttpError, sendError } from './errors.ts';
import { declaredLength, offsetParam, partialParam } from './params.ts';
import { bearerToken } from './token.ts';
import type { Store, Writer } from './store.ts';
import { toolLabel } from './tool-label.ts';

export interface CollectorDeps {
  store: Store;
  authenticate: Authenticator;
  /** Usernames allowed to read, e.g. `system:serviceaccount:toe-system:toe-operator`. */
  readers: readonly string[];
  metrics?: CollectorMetrics;
  log?: Logger;
}

/** Sends `100 Continue` once, if the client waits for it. */
function continueBody(req: Request, res: Response): void {
  if (req.headers.expect?.toLowerCase() === '100-continue' && !res.headersSent) res.writeContinue();
}

export function createCollectorApp(deps: CollectorDeps): Express {
  const { store, authenticate } = deps;
  const metrics = deps.metrics ?? createCollectorMetrics(undefined, false);
  const log = deps.log ?? logger('collector');
  const readers = new Set(deps.readers);
  const tools = new Set<string>();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // server.ts hands `Expect: 100-continue` requests here unanswered: only an upload the store accepts gets its
  // body (curl asks for bodies over 1 MiB), so a refusal (auth, conflict, cap) costs the tool no upload.
  app.use((req, res, next) => {
    if (!(req.method === 'PUT' && req.path.startsWith('/v1/artifacts/'))) continueBody(req, res);
    next();
  });

  app.use((req, res, next) => {
    res.on('finish', () =>
      metrics.requests.inc({ route: `${req.method} ${req.route?.path ?? 'unmatched'}`, code: String(res.statusCode) }),
    );
    next();
  });

  async function tool(req: Request): Promise<ToolIdentity> {
    const principal = await authenticate(bearerToken(req.headers.authorization));
    if (principal.kind !== 'tool') throw new HttpError(403, 'only a tool token bound to a pod may write artifacts');
    return principal.identity;
  }

  async function reader(req: Request): Promise<void> {
    const principal = await authenticate(bearerToken(req.headers.authorization));
    if (principal.kind !== 'reader' || !readers.has(principal.username)) {
      throw new HttpError(403, 'this identity may not read artifacts; the collector allows the users given by --reader');
    }
  }

  const writerOf = (id: ToolIdentity): Writer => ({
    namespace: id.namespace,
    powerToolUID: id.powerToolUID,
    podName: id.podName,
    podUID: id.podUID,
  });
  const where = (id: ToolIdentity, artifact: string) => ({
    namespace: id.namespace,
    powerToolUID: id.powerToolUID,
    pod: id.podName,
    artifact,
  });

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.head('/v1/artifacts/:artifact', async (req, res) => {
    const id = await tool(req);
    const at = await store.offset(writerOf(id), req.params.artifact);
    res.set({ 'Cache-Control': 'no-store', 'Upload-Offset': String(at.offset), 'Upload-Complete': String(at.complete) });
    if (at.partial !== undefined) res.set('Upload-Partial', String(at.partial));
    res.status(200).end();
  });

  app.put('/v1/artifacts/:artifact', async (req, res) => {
    const id = await tool(req);
    const artifact = req.params.artifact;
    const offset = offsetParam(req.query.offset);
    metrics.activeUploads.inc();
    let out;
    try {
      out = await store.append(writerOf(id), artifact, offset, req, declaredLength(req.headers['content-length']), () =>
        continueBody(req, res),
      );
    } finally {
      metrics.activeUploads.dec();
    }
    if (out.kind !== 'conflict') metrics.receivedBytes.inc({ tool: toolLabel(tools, req.get('Toe-Tool')) }, out.offset - offset);
    res.set({ 'Cache-Control': 'no-store', 'Upload-Offset': String(out.offset) });
    switch (out.kind) {
      case 'accepted':
        res.status(200).json({ offset: out.offset });
        return;
      case 'conflict':
        res.set('Upload-Complete', String(out.complete));
        sendError(res, 409, out.reason, { offset: out.offset, complete: out.complete });
        return;
      case 'capped': {
        metrics.capped.inc({ cap: out.cap });
        log.warn({ ...where(id, artifact), cap: out.cap, bytes: out.offset }, 'upload refused by byte cap');
        const limit = out.cap === 'artifact' ? store.limits.maxArtifactBytes : store.limits.maxRunBytes;
        // The rest of the body is not read: close the connection rather than drain it.
        res.set('Connection', 'close');
        sendError(res, 413, `the ${out.cap} byte cap (${limit} bytes) is reached; complete the artifact, it will be marked partial`, {
          cap: out.cap,
          limit,
          offset: out.offset,
        });
        return;
      }
      case 'aborted':
        log.info({ ...where(id, artifact), bytes: out.offset }, 'upload interrupted');
        res.set('Connection', 'close');
        sendError(res, 408, 'the body ended early; resume from Upload-Offset', { offset: out.offset });
        return;
    }
  });

  app.post('/v1/artifacts/:artifact/complete', async (req, res) => {
    const id = await tool(req);
    const artifact = req.params.artifact;
    const partial = partialParam(req.query.partial);
    const out = await store.complete(writerOf(id), artifact, partial);
    if (out.kind === 'conflict') {
      res.set('Upload-Offset', String(out.offset));
      sendError(res, 409, out.reason, { offset: out.offset });
      return;
    }
    if (!out.already) {
      metrics.artifacts.inc({ finalised_by: 'client', partial: String(out.meta.partial) });
      log.info({ ...where(id, artifact), bytes: out.meta.bytes, partial: out.meta.partial }, 'artifact completed');
    }
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .json({ name: artifact, pod: id.podName, ...out.meta });
  });

  app.get('/v1/runs/:namespace/:uid', async (req, res) => {
    await reader(req);
    const artifacts = await store.list(req.params.namespace, req.params.uid);
    const bytes = artifacts.reduce((sum, a) => sum + a.bytes, 0);
    res.set('Cache-Control', 'no-store').json({ namespace: req.params.namespace, powerToolUID: req.params.uid, bytes, artifacts });
  });

  app.get('/v1/runs/:namespace/:uid/:pod/:artifact', async (req, res) => {
    await reader(req);
    const { namespace, uid, pod, artifact } = req.params;
    const found = await store.read({ namespace, powerToolUID: uid, podName: pod }, artifact);
    if (found === undefined) throw new HttpError(404, 'no such artifact');
    if (found === 'uploading') throw new HttpError(409, 'the artifact is still being uploaded');
    res.set({
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${artifact}"`,
      'X-Content-Type-Options': 'nosniff',
      'Toe-Partial': String(found.meta.partial),
      ...(found.meta.sha256 ? { 'Toe-Sha256': found.meta.sha256 } : {}),
    });
    await sendFile(res, found.path);
  });

  app.use((_req, res) => sendError(res, 404, 'no such route'));
  app.use(errorHandler(log, metrics));
  return app;
}

function sendFile(res: Response, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    res.sendFile(path, { dotfiles: 'allow', lastModified: true, cacheControl: false }, (err) => (err ? reject(err) : resolve()));
  });
}
