import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReviewCache } from './review-cache.ts';

describe('ReviewCache', () => {
  it('keeps an entry for its time to live only', () => {
    const cache = new ReviewCache<string>(30_000);
    cache.set('token-a', 'alice', 1000);
    assert.equal(cache.get('token-a', 30_999), 'alice');
    assert.equal(cache.get('token-a', 31_000), undefined);
    assert.equal(cache.size, 0);
  });

  it('never keeps an entry past the token expiry', () => {
    const cache = new ReviewCache<string>(30_000);
    cache.set('token-a', 'alice', 1000, 5000);
    assert.equal(cache.get('token-a', 4999), 'alice');
    assert.equal(cache.get('token-a', 5000), undefined);
    cache.set('token-b', 'bob', 1000, 1000);
    assert.equal(cache.size, 0);
  });

  it('tells tokens apart and drops the oldest when full', () => {
    const cache = new ReviewCache<string>(30_000, 2);
    cache.set('token-a', 'alice', 0);
    cache.set('token-b', 'bob', 0);
    cache.set('token-c', 'carol', 0);
    assert.deepEqual(
      ['token-a', 'token-b', 'token-c'].map((t) => cache.get(t, 1)),
      [undefined, 'bob', 'carol'],
    );
  });

  it('refuses a time to live over 30 seconds', () => {
    assert.throws(() => new ReviewCache(30_001), RangeError);
  });
});
