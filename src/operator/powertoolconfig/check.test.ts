import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_TOOL_PRIVILEGES, checkToolConfig } from './check.ts';

const tools = new URL('../../../powertools/', import.meta.url);
const specOf = (tool: string) =>
  (parse(readFileSync(new URL(`${tool}/config.yaml`, tools), 'utf8')) as { spec: Record<string, unknown> }).spec;
const perf = (
  parse(readFileSync(new URL('../../../powertools/perf/config.yaml', import.meta.url), 'utf8')) as {
    spec: Record<string, unknown> & { limits: Record<string, unknown> };
  }
).spec;

describe('checkToolConfig: finishGrace', () => {
  it("accepts the shipped perf config, whose grace covers its last slice's symbolisation", () => {
    assert.deepEqual(checkToolConfig(perf, DEFAULT_TOOL_PRIVILEGES), []);
    assert.equal(perf.limits.finishGrace, '30s');
  });

  it('refuses a grace over 5m and a malformed one, naming the field', () => {
    assert.deepEqual(checkToolConfig({ ...perf, limits: { ...perf.limits, finishGrace: '6m' } }, DEFAULT_TOOL_PRIVILEGES), [
      { path: 'spec.limits.finishGrace', message: 'must be at most 5m, got "6m"' },
    ]);
    const bad = checkToolConfig({ ...perf, limits: { ...perf.limits, finishGrace: 'later' } }, DEFAULT_TOOL_PRIVILEGES);
    assert.equal(bad[0]?.path, 'spec.limits.finishGrace');
  });
});

describe('checkToolConfig: the shipped tools', () => {
  // A shipped config the default policy refuses would be Invalid, so admission would refuse every run of it.
  for (const tool of readdirSync(tools, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'lib')
    .map((e) => e.name)) {
    it(`${tool} is valid under the operator's default policy`, () => {
      assert.deepEqual(checkToolConfig(specOf(tool), DEFAULT_TOOL_PRIVILEGES), []);
    });
  }

  it('refuses a capability outside the policy, naming it and what is allowed', () => {
    const spec = specOf('tcpdump') as { securityContext: { capabilities: { add: string[] } } };
    const errors = checkToolConfig(
      { ...spec, securityContext: { ...spec.securityContext, capabilities: { add: ['NET_RAW', 'SYS_MODULE'] } } },
      DEFAULT_TOOL_PRIVILEGES,
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.path, 'spec.securityContext.capabilities.add[1]');
    assert.match(errors[0]?.message ?? '', /^capability SYS_MODULE is not allowed; allowed: .*NET_RAW/);
  });
});
