import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_TOOL_POLICY, checkToolConfig } from './check.ts';

const perf = (parse(readFileSync(new URL('../../../powertools/perf/config.yaml', import.meta.url), 'utf8')) as { spec: Record<string, unknown> & { limits: Record<string, unknown> } }).spec;

describe('checkToolConfig: finishGrace', () => {
  it('accepts the shipped perf config, whose grace covers its last slice\'s symbolisation', () => {
    assert.deepEqual(checkToolConfig(perf, DEFAULT_TOOL_POLICY), []);
    assert.equal(perf.limits.finishGrace, '30s');
  });

  it('refuses a grace over 5m and a malformed one, naming the field', () => {
    assert.deepEqual(checkToolConfig({ ...perf, limits: { ...perf.limits, finishGrace: '6m' } }, DEFAULT_TOOL_POLICY), [{ path: 'spec.limits.finishGrace', message: 'must be at most 5m, got "6m"' }]);
    const bad = checkToolConfig({ ...perf, limits: { ...perf.limits, finishGrace: 'later' } }, DEFAULT_TOOL_POLICY);
    assert.equal(bad[0]?.path, 'spec.limits.finishGrace');
  });
});
