/**
 * Reading a run's artifacts from the collector (src/collector/README.md, reader routes): list them, then stream
 * each one. A listing that fails for a reason another try may fix (refused connection, 5xx) is tried again a few
 * times; a 4xx is not. Artifacts still uploading are skipped by the caller with a note.
 */
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { ByteSource } from '../lines.ts';

export interface CollectorArtifact {
  pod: string;
  name: string;
  state: 'complete' | 'uploading';
  bytes: number;
  partial?: boolean;
}

const LIST_TIMEOUT_MS = 15_000;
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
const ATTEMPTS = 3;

export class CollectorError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const seg = encodeURIComponent;

async function get(url: string, token: string, timeoutMs: number): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new CollectorError(
      `cannot reach the collector at ${new URL(url).origin}${cause ? ` (${cause})` : `: ${(err as Error).message}`}`,
      true,
    );
  }
  if (!res.ok) {
    const body = await res.text().catch(() => '');
    const detail = (() => {
      try {
        return (JSON.parse(body) as { error?: string }).error ?? body;
      } catch {
        return body;
      }
    })();
    throw new CollectorError(
      `the collector answered ${res.status} for ${new URL(url).pathname}: ${detail.slice(0, 200)}`,
      res.status >= 500 || res.status === 429,
    );
  }
  return res;
}

export async function listRun(
  base: string,
  token: () => Promise<string>,
  namespace: string,
  uid: string,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<CollectorArtifact[]> {
  const url = `${base.replace(/\/+$/, '')}/v1/runs/${seg(namespace)}/${seg(uid)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await get(url, await token(), LIST_TIMEOUT_MS);
      const body = (await res.json()) as { artifacts?: CollectorArtifact[] };
      return (body.artifacts ?? []).filter((a) => typeof a?.pod === 'string' && typeof a?.name === 'string');
    } catch (err) {
      if (!(err instanceof CollectorError) || !err.retryable || attempt >= ATTEMPTS) throw err;
      await sleep(1000 * attempt);
    }
  }
}

export async function openArtifact(
  base: string,
  token: string,
  namespace: string,
  uid: string,
  pod: string,
  name: string,
): Promise<ByteSource> {
  const url = `${base.replace(/\/+$/, '')}/v1/runs/${seg(namespace)}/${seg(uid)}/${seg(pod)}/${seg(name)}`;
  const res = await get(url, token, DOWNLOAD_TIMEOUT_MS);
  if (!res.body) return [];
  return Readable.fromWeb(res.body as ReadableStream<Uint8Array>);
}
