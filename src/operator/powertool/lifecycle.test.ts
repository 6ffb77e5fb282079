import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expiresInMs } from './lifecycle.ts';

describe('expiresInMs (TTL deletion)', () => {
  const now = new Date('2026-11-02T10:10:00.000Z');
  it('counts the TTL from the finish', () => {
    assert.equal(expiresInMs(600, '2026-11-02T10:05:00.000Z', now), 300_000);
    assert.equal(expiresInMs(300, '2026-11-02T10:05:00.000Z', now), 0);
    assert.equal(expiresInMs(0, '2026-11-02T10:05:00.000Z', now), -300_000);
  });
  it('keeps a run without a TTL or not finished', () => {
    assert.equal(expiresInMs(undefined, '2026-11-02T10:05:00.000Z', now), undefined);
    assert.equal(expiresInMs(60, undefined, now), undefined);
  });
});
