import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpProbe } from '../../../api/index.ts';
import { judgeHttp, judgeReplicas, judgeRestarts } from './judge.ts';

describe('judgeHttp', () => {
  const spec = httpProbe.parse({ service: 'web', maxLatency: '100ms' });
  it('passes the expected status within the latency', () => {
    assert.deepEqual(judgeHttp(spec, { status: 200, latencyMs: 12.4 }), { ok: true, value: 'HTTP 200 in 12ms' });
  });
  it('fails another status, a slow answer, and no answer', () => {
    assert.match(judgeHttp(spec, { status: 503, latencyMs: 1 }).value, /expected 200/);
    assert.equal(judgeHttp(spec, { status: 200, latencyMs: 150 }).ok, false);
    assert.deepEqual(judgeHttp(spec, { error: 'no answer within 2s' }), { ok: false, value: 'no answer within 2s' });
  });
});

describe('judgeReplicas and judgeRestarts', () => {
  it('compares ready replicas with the minimum, and fails a missing workload', () => {
    assert.equal(judgeReplicas('Deployment', 'web', 2, 2).ok, true);
    assert.equal(judgeReplicas('Deployment', 'web', 1, 2).ok, false);
    assert.match(judgeReplicas('StatefulSet', 'db', undefined, 1).value, /not found/);
  });
  it('counts restarts from the baseline', () => {
    assert.equal(judgeRestarts(3, undefined, 0, 1).ok, true);
    assert.equal(judgeRestarts(4, 3, 0, 1).ok, false);
    assert.equal(judgeRestarts(4, 3, 1, 1).ok, true);
    assert.equal(judgeRestarts(0, undefined, 0, 0).restarts, undefined);
  });
});
