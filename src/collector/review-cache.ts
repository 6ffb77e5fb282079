/**
 * Positive TokenReview results, kept briefly so that a tool streaming many chunks costs one review, not one per
 * chunk. Keys are SHA-256 digests: the tokens themselves are never held. An entry lives at most `ttlMs` and never
 * past the token's own expiry; revocation (the pod deleted) is therefore noticed within `ttlMs`.
 */
import { createHash } from 'node:crypto';

export const MAX_CACHE_TTL_MS = 30_000;

export class ReviewCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number = MAX_CACHE_TTL_MS,
    private readonly maxEntries = 10_000,
  ) {
    if (ttlMs > MAX_CACHE_TTL_MS) throw new RangeError(`a review may be cached for at most ${MAX_CACHE_TTL_MS} ms`);
  }

  get(token: string, nowMs: number): V | undefined {
    const key = digest(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(token: string, value: V, nowMs: number, expiresAt?: number): void {
    const until = Math.min(nowMs + this.ttlMs, expiresAt ?? Infinity);
    if (until <= nowMs) return;
    // Oldest first out: a flood of distinct tokens cannot grow memory without bound.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest(token), { value, until });
  }

  get size(): number {
    return this.entries.size;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
