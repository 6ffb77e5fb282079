import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prometheusProbe } from '../../../api/index.ts';
import { compare, judgePrometheus, parseQueryResponse, serverFor } from './prometheus.ts';

const vector = (...values: string[]) => ({
  status: 'success',
  data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { __name__: 'up', job: `j${i}` }, value: [1765000000.1, v] })) },
});

describe('parseQueryResponse', () => {
  it('reads the one sample of a vector, naming its series, and a scalar', () => {
    assert.deepEqual(parseQueryResponse(vector('1')), { value: 1, series: 'up{job="j0"}' });
    assert.deepEqual(parseQueryResponse({ status: 'success', data: { resultType: 'scalar', result: [1765000000, '0.25'] } }), {
      value: 0.25,
    });
    assert.deepEqual(parseQueryResponse(vector('+Inf')), { value: Infinity, series: 'up{job="j0"}' });
  });
  it('refuses no series, many series, NaN, a matrix and a histogram sample', () => {
    assert.deepEqual(parseQueryResponse(vector()), { error: 'the query returned no series' });
    assert.deepEqual(parseQueryResponse(vector('1', '2', '3')), { error: 'the query returned 3 series, not one' });
    assert.deepEqual(parseQueryResponse(vector('NaN')), { error: 'the value is NaN' });
    assert.match(errorOf({ status: 'success', data: { resultType: 'matrix', result: [] } }), /a matrix, not one sample/);
    const histogram = { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, histogram: [1, {}] }] } };
    assert.match(errorOf(histogram), /histogram/);
  });
  it("says the server's error, and refuses what is not a query response", () => {
    const bad = { status: 'error', errorType: 'bad_data', error: 'parse error at char 4' };
    assert.deepEqual(parseQueryResponse(bad), { error: 'query error (bad_data): parse error at char 4' });
    assert.match(errorOf(undefined), /not a Prometheus query response/);
    assert.match(
      errorOf({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 2] }] } }),
      /not a Prometheus/,
    );
  });
});

function errorOf(body: unknown): string {
  const r = parseQueryResponse(body);
  assert.ok('error' in r, `expected an error, got ${JSON.stringify(r)}`);
  return r.error;
}

describe('compare and judgePrometheus', () => {
  it('applies each comparison at and around the threshold', () => {
    const cases: [Parameters<typeof compare>[1], boolean, boolean, boolean][] = [
      // value below, equal to, above the threshold 1
      ['<', true, false, false],
      ['<=', true, true, false],
      ['>', false, false, true],
      ['>=', false, true, true],
      ['==', false, true, false],
      ['!=', true, false, true],
    ];
    for (const [op, below, equal, above] of cases)
      assert.deepEqual([compare(0.5, op, 1), compare(1, op, 1), compare(2, op, 1)], [below, equal, above], op);
  });
  it('passes a value that holds, fails one that does not and an unreadable answer', () => {
    const spec = prometheusProbe.parse({ query: 'up', comparison: '>=', threshold: 1 });
    assert.deepEqual(judgePrometheus(spec, { value: 1 }), { ok: true, value: 'value 1, >= 1' });
    assert.deepEqual(judgePrometheus(spec, { value: 0 }), { ok: false, value: 'value 0, wanted >= 1' });
    assert.deepEqual(judgePrometheus(spec, { error: 'the query returned no series' }), {
      ok: false,
      value: 'the query returned no series',
    });
  });
});

describe('serverFor', () => {
  const config = {
    prometheus: [
      { name: 'main', url: 'http://a:9090' },
      { name: 'apps', url: 'http://b:9090' },
    ],
  };
  it('takes the named server, or the first one, and none that is not configured', () => {
    assert.equal(serverFor(config, 'apps')?.url, 'http://b:9090');
    assert.equal(serverFor(config, undefined)?.url, 'http://a:9090');
    assert.equal(serverFor(config, 'other'), undefined);
    assert.equal(serverFor(undefined, undefined), undefined);
  });
});
