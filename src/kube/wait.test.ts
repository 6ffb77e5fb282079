import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from './wait.ts';

test('returns the first value that is neither undefined nor false, retrying thrown errors', async () => {
  let calls = 0;
  const value = await waitFor(
    'the third call',
    () => {
      calls += 1;
      if (calls === 1) throw new Error('not up yet');
      return calls === 3 ? 'ready' : false;
    },
    { intervalMs: 1 },
  );
  assert.equal(value, 'ready');
  assert.equal(calls, 3);
});

test('a time-out names what was awaited, the budget and the last error', async () => {
  const cause = new Error('connection refused');
  await assert.rejects(
    waitFor(
      'pod demo Ready',
      () => {
        throw cause;
      },
      { timeoutMs: 30, intervalMs: 5 },
    ),
    (err: Error) => {
      assert.equal(err.message, 'pod demo Ready: not within 30ms: connection refused');
      assert.equal(err.cause, cause);
      return true;
    },
  );
});

test('explain replaces the last error in the time-out message', async () => {
  await assert.rejects(
    waitFor('deployment demo', () => undefined, { timeoutMs: 1500, intervalMs: 500, explain: () => '0/1 ready: ImagePullBackOff' }),
    {
      message: 'deployment demo: not within 1.5s: 0/1 ready: ImagePullBackOff',
    },
  );
});

test('an aborted signal ends the wait with its reason', async () => {
  const abort = new AbortController();
  const waiting = waitFor('never', () => undefined, { timeoutMs: 60_000, intervalMs: 10, signal: abort.signal });
  abort.abort(new Error('stopped by the user'));
  await assert.rejects(waiting, { message: 'stopped by the user' });
});
