import { ApiException } from '@kubernetes/client-node';

/**
 * What to do about an API error, decided once (controller-runtime's TerminalError idea): an object that is gone
 * is done; a conflict is re-read and retried now; a refusal of our own request is terminal until the spec
 * changes; anything else retries with backoff.
 */
export type ErrorClass = 'gone' | 'conflict' | 'terminal' | 'retry';

export function statusCode(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  const code = (err as { code?: unknown; statusCode?: unknown } | null)?.code ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export function classify(err: unknown): ErrorClass {
  const code = statusCode(err);
  if (code === 404 || code === 410) return 'gone';
  if (code === 409) return 'conflict';
  if (code === 400 || code === 403 || code === 422) return 'terminal';
  return 'retry';
}

/** The server's own message (the Status body), which names the field it refused; else the error's message. */
export function apiMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = typeof err.body === 'string' ? safeParse(err.body) : err.body;
    const message = (body as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string') return message;
    return `HTTP ${err.code}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** A rejected promise's reason re-thrown with the step it came from, as kind wraps each failing step. */
export async function withContext<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new Error(`${what}: ${apiMessage(err)}`, { cause: err });
  }
}
