import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { powerToolSpec } from '../api/index.ts';
import { checkSteadyState } from './steady-state.ts';

const spec = (probes: unknown[]) =>
  powerToolSpec.parse({ targets: { selector: { matchLabels: { app: 'a' } } }, tool: { name: 'cpu' }, steadyState: probes });
const http = (over: Record<string, unknown> = {}, httpOver: Record<string, unknown> = {}) => ({
  name: 'web',
  kind: 'http',
  http: { service: 'web', ...httpOver },
  ...over,
});

describe('checkSteadyState', () => {
  it('accepts probes within the bounds, with defaults', () => {
    assert.deepEqual(checkSteadyState(spec([http(), { name: 'r', kind: 'kubernetes', kubernetes: { maxRestarts: 0 } }])), []);
  });
  it('refuses an interval below 1s, naming the field and the range', () => {
    const errors = checkSteadyState(spec([http({ interval: '500ms' }, { timeout: '200ms' })]));
    assert.deepEqual(errors, [{ path: 'spec.steadyState[0].interval', message: 'Invalid value: "500ms": must be between 1s and 5m' }]);
  });
  it('refuses a timeout longer than the interval and a latency above the timeout', () => {
    const errors = checkSteadyState(spec([http({ interval: '2s' }, { timeout: '3s', maxLatency: '5s' })]));
    assert.deepEqual(
      errors.map((e) => e.path),
      ['spec.steadyState[0].http.timeout', 'spec.steadyState[0].http.maxLatency'],
    );
    assert.match(errors[0]?.message ?? '', /must not exceed the interval \(2s\)/);
  });
  it('refuses a recovery timeout past 30m and duplicate names', () => {
    const errors = checkSteadyState(spec([http({ recoveryTimeout: '31m' }), http()]), 'x');
    assert.deepEqual(
      errors.map((e) => e.path),
      ['x.steadyState[0].recoveryTimeout', 'x.steadyState[1].name'],
    );
  });
  describe('a prometheus probe', () => {
    const probe = (over: Record<string, unknown> = {}) => ({
      name: 'errors',
      kind: 'prometheus',
      prometheus: { query: 'sum(rate(http_errors_total[1m]))', comparison: '<', threshold: 0.1, ...over },
    });
    const config = { prometheus: [{ name: 'main', url: 'http://127.0.0.1:9090' }] };
    it('is accepted when the tool names a server, by default the first', () => {
      assert.deepEqual(checkSteadyState(spec([probe()]), 'spec', config), []);
      assert.deepEqual(checkSteadyState(spec([probe({ server: 'main' })]), 'spec', config), []);
    });
    it('is refused when the PowerToolConfig lists no server, naming the field', () => {
      const errors = checkSteadyState(spec([probe()]), 'spec', undefined);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.path, 'spec.steadyState[0].prometheus');
      assert.match(errors[0]?.message ?? '', /PowerToolConfig, spec\.steadyState\.prometheus/);
      assert.deepEqual(checkSteadyState(spec([probe()]), 'spec', { prometheus: [] }), errors);
    });
    it('is refused when it names a server that is not listed, or a timeout past its interval', () => {
      const errors = checkSteadyState(spec([probe({ server: 'other', timeout: '6s' })]), 'spec', config);
      assert.deepEqual(
        errors.map((e) => e.path),
        ['spec.steadyState[0].prometheus.timeout', 'spec.steadyState[0].prometheus.server'],
      );
      assert.match(errors[1]?.message ?? '', /"other": the tool's PowerToolConfig spec\.steadyState\.prometheus lists "main"/);
    });
  });
});
