import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError, bearerToken, claimed, READER_AUDIENCE, type Refusal } from './token.ts';
import { reviewingAuthenticator } from './auth.ts';

const uid = '0f8e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const now = Date.parse('2026-11-22T10:00:00Z');
const jwt = (payload: unknown): string =>
  [{ alg: 'RS256' }, payload].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') + '.c2lnbmF0dXJl';
const refused = (reason: Refusal) => (err: unknown) => err instanceof AuthError && err.reason === reason;

describe('bearerToken', () => {
  it('takes the token from a Bearer header, any case of the scheme', () => {
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(bearerToken('bearer abc.def.ghi'), 'abc.def.ghi');
  });

  it('refuses a missing header as missing and anything else as malformed', () => {
    assert.throws(() => bearerToken(undefined), refused('missing'));
    assert.throws(() => bearerToken(''), refused('missing'));
    for (const bad of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Bearer a\u0000b', `Bearer ${'a'.repeat(16 * 1024 + 1)}`]) {
      assert.throws(() => bearerToken(bad), refused('malformed'), bad.slice(0, 20));
    }
  });
});

describe('claimed', () => {
  it('reads a tool audience and its PowerTool UID', () => {
    const exp = now / 1000 + 600;
    assert.deepEqual(claimed(jwt({ aud: [`toe.dev/collector/${uid}`], exp }), now), {
      role: 'tool',
      audience: `toe.dev/collector/${uid}`,
      powerToolUID: uid,
      expiresAt: exp * 1000,
    });
    assert.equal(claimed(jwt({ aud: `toe.dev/collector/${uid}` }), now).role, 'tool');
  });

  it('reads the reader audience', () => {
    assert.equal(claimed(jwt({ aud: [READER_AUDIENCE] }), now).role, 'reader');
  });

  it('refuses other audiences, several audiences, and a UID that is not one', () => {
    for (const aud of [
      ['https://kubernetes.default.svc'],
      [`toe.dev/collector/${uid}`, 'https://kubernetes.default.svc'],
      ['toe.dev/collector/../x'],
      ['toe.dev/collector/'],
      ['toe.dev/collector'],
      [],
    ]) {
      assert.throws(() => claimed(jwt({ aud }), now), refused('audience'), JSON.stringify(aud));
    }
  });

  it('refuses an expired token', () => {
    assert.throws(() => claimed(jwt({ aud: [READER_AUDIENCE], exp: now / 1000 - 1 }), now), refused('expired'));
    assert.throws(() => claimed(jwt({ aud: [READER_AUDIENCE], exp: now / 1000 }), now), refused('expired'));
  });

  it('refuses what is not a JWT with a JSON object payload', () => {
    for (const token of [
      'abc',
      'a.b',
      'a.b.c.d',
      'a.!!.c',
      `a.${Buffer.from('[1]').toString('base64url')}.c`,
      `a.${Buffer.from('{').toString('base64url')}.c`,
      jwt({ aud: 5 }),
      jwt({ aud: [READER_AUDIENCE], exp: 'soon' }),
    ]) {
      assert.throws(() => claimed(token, now), refused('malformed'), token);
    }
  });
});

describe('reviewingAuthenticator', () => {
  it('refuses malformed, expired and foreign-audience tokens without calling the Kubernetes API', async () => {
    const authenticate = reviewingAuthenticator(() => assert.fail('no TokenReview expected'), { now: () => now });
    await assert.rejects(authenticate('nope'), refused('malformed'));
    await assert.rejects(authenticate(jwt({ aud: [`toe.dev/collector/${uid}`], exp: now / 1000 - 5 })), refused('expired'));
    await assert.rejects(authenticate(jwt({ aud: ['https://kubernetes.default.svc'] })), refused('audience'));
  });

  it('reports an unreachable Kubernetes API as unavailable', async () => {
    const authenticate = reviewingAuthenticator(async () => Promise.reject(new Error('connect ECONNREFUSED')), { now: () => now });
    await assert.rejects(authenticate(jwt({ aud: [READER_AUDIENCE] })), refused('unavailable'));
  });
});
