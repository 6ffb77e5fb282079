/**
 * How refusals become HTTP answers: one JSON shape `{error, reason?, field?}` for every non-2xx, a Bearer
 * challenge on 401, and no internal detail on 500 (it goes to the log instead).
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { AuthError, scrubTokens } from './token.ts';
import { RefusedName } from './paths.ts';
import type { CollectorMetrics } from '../telemetry/metrics.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendError(res: Response, status: number, error: string, body: Record<string, unknown> = {}): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .json({ error, ...body });
}

export function errorHandler(log: Logger, metrics: CollectorMetrics): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof AuthError) {
      metrics.authRefusals.inc({ reason: err.reason });
      const cause = err.cause instanceof Error ? err.cause.message : typeof err.cause === 'string' ? err.cause : undefined;
      if (err.reason === 'unavailable') {
        log.error({ reason: err.reason, cause: cause && scrubTokens(cause) }, 'token review failed');
        sendError(res, 503, err.message, { reason: err.reason });
        return;
      }
      log.info({ reason: err.reason, cause: cause && scrubTokens(cause) }, 'request not authenticated');
      const challenge = err.reason === 'missing' ? 'Bearer realm="toe-collector"' : 'Bearer realm="toe-collector", error="invalid_token"';
      res.set('WWW-Authenticate', challenge);
      sendError(res, 401, err.message, { reason: err.reason });
      return;
    }
    if (err instanceof RefusedName) {
      sendError(res, 400, err.message, { field: err.field });
      return;
    }
    if (err instanceof HttpError) {
      sendError(res, err.status, err.message, err.body);
      return;
    }
    // Express's own refusals (a URL that does not decode) carry a 4xx status.
    const status = (err as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(res, status, 'the request is not valid');
      return;
    }
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    log.error({ err: err instanceof Error ? { message: scrubTokens(err.message), code } : String(err) }, 'request failed');
    if (code === 'ENOSPC' || code === 'EDQUOT') sendError(res, 507, 'the collector is out of disk space');
    else sendError(res, 500, 'internal error');
  };
}
