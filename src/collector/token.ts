/**
 * What the collector reads from a bearer token before asking Kubernetes about it. Nothing here is trusted: the
 * audience only picks which audience TokenReview must verify, and the expiry only gives a clearer refusal than the
 * review would. Pure, no I/O.
 */
import { checkUID } from './paths.ts';

/** Tools: `toe.dev/collector/<powertool-uid>`, minted by the operator per run and bound to the target pod. */
export const TOOL_AUDIENCE_PREFIX = 'toe.dev/collector/';
/** Readers (operator, report server): a token for this audience whose ServiceAccount is allowlisted by `--reader`. */
export const READER_AUDIENCE = 'toe.dev/collector-reader';

export type Refusal = 'missing' | 'malformed' | 'expired' | 'audience' | 'unauthenticated' | 'claims' | 'unavailable';

/** Why a request was not authenticated; `reason` is safe to return to the client, the cause is for logs only. */
export class AuthError extends Error {
  constructor(
    readonly reason: Refusal,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuthError';
  }
}

export type Claimed =
  { role: 'tool'; audience: string; powerToolUID: string; expiresAt?: number } | { role: 'reader'; audience: string; expiresAt?: number };

// RFC 6750 b64token; a projected ServiceAccount token is about 1 KiB, so 16 KiB leaves room without inviting abuse.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_TOKEN = 16 * 1024;

export function bearerToken(header: string | undefined): string {
  if (header === undefined || header === '') throw new AuthError('missing', 'an Authorization: Bearer <token> header is required');
  const m = BEARER.exec(header);
  if (!m || (m[1] as string).length > MAX_TOKEN) throw new AuthError('malformed', 'the Authorization header must be "Bearer <token>"');
  return m[1] as string;
}

/** Reads `aud` and `exp` from a JWT without verifying it, and decides which audience TokenReview must check. */
export function claimed(token: string, nowMs: number): Claimed {
  const payload = jwtPayload(token);
  const aud = payload.aud;
  const audiences =
    typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? (aud as string[]) : undefined;
  if (!audiences) throw new AuthError('malformed', 'the token has no audience');
  // Exactly one audience: a token that is also good for the Kubernetes API must never be handed to the collector.
  if (audiences.length !== 1)
    throw new AuthError('audience', `the token must have exactly one audience, ${TOOL_AUDIENCE_PREFIX}<uid> or ${READER_AUDIENCE}`);
  const audience = audiences[0] as string;
  const exp = payload.exp;
  if (exp !== undefined && typeof exp !== 'number') throw new AuthError('malformed', 'the token expiry is not a number');
  const expiresAt = exp === undefined ? undefined : exp * 1000;
  let result: Claimed;
  if (audience === READER_AUDIENCE) {
    result = { role: 'reader', audience, expiresAt };
  } else if (audience.startsWith(TOOL_AUDIENCE_PREFIX)) {
    const uid = audience.slice(TOOL_AUDIENCE_PREFIX.length);
    try {
      checkUID(uid);
    } catch {
      throw new AuthError('audience', `the audience must be ${TOOL_AUDIENCE_PREFIX}<PowerTool UID>`);
    }
    result = { role: 'tool', audience, powerToolUID: uid, expiresAt };
  } else {
    throw new AuthError('audience', `the token audience must be ${TOOL_AUDIENCE_PREFIX}<uid> or ${READER_AUDIENCE}`);
  }
  if (expiresAt !== undefined && expiresAt <= nowMs) throw new AuthError('expired', 'the token has expired');
  return result;
}

function jwtPayload(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1] ?? '')) throw new AuthError('malformed', 'the token is not a JWT');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
  } catch {
    throw new AuthError('malformed', 'the token payload is not JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw new AuthError('malformed', 'the token payload is not an object');
  return payload as Record<string, unknown>;
}

const JWT_LIKE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Error text from elsewhere (the Kubernetes client) with anything shaped like a JWT removed, before it is logged. */
export function scrubTokens(text: string): string {
  return text.replace(JWT_LIKE, '[token]');
}
