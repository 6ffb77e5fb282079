/**
 * The operator's token for reading artifacts from the collector: audience `toe.dev/collector-reader`, identity the
 * operator's own ServiceAccount (the collector's `--reader` allowlist names it). In a cluster the chart projects
 * such a token into a file that the kubelet keeps fresh; a host-run operator (tests, development) asks for one
 * with a TokenRequest for its ServiceAccount instead, and reuses it until shortly before it expires.
 */
import { readFile } from 'node:fs/promises';
import type { CoreV1Api } from '@kubernetes/client-node';
import { READER_AUDIENCE } from '../../collector/token.ts';

export const PROJECTED_READER_TOKEN = '/var/run/secrets/toe.dev/collector-reader/token';
const LIFETIME_S = 3600;
const RENEW_BEFORE_MS = 10 * 60_000;

export class ReaderToken {
  private cached?: { token: string; until: number };

  constructor(
    private readonly core: CoreV1Api,
    private readonly serviceAccount: { namespace: string; name: string },
    private readonly file = PROJECTED_READER_TOKEN,
  ) {}

  async get(now = Date.now()): Promise<string> {
    const projected = await readFile(this.file, 'utf8').catch(() => undefined);
    if (projected?.trim()) return projected.trim();
    if (this.cached && this.cached.until > now) return this.cached.token;
    const res = await this.core.createNamespacedServiceAccountToken({
      ...this.serviceAccount,
      body: { spec: { audiences: [READER_AUDIENCE], expirationSeconds: LIFETIME_S } },
    });
    const token = res.status?.token;
    if (!token) throw new Error(`the TokenRequest for ${this.serviceAccount.namespace}/${this.serviceAccount.name} returned no token`);
    const expires = res.status?.expirationTimestamp ? new Date(res.status.expirationTimestamp).getTime() : now + LIFETIME_S * 1000;
    this.cached = { token, until: expires - RENEW_BEFORE_MS };
    return token;
  }
}
