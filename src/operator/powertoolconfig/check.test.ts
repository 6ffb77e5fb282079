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

describe('checkToolConfig: spec.action', () => {
  const podKill = specOf('pod-kill');
  it('accepts an evict tool with no image or command, and refuses one that carries a container', () => {
    assert.deepEqual(checkToolConfig(podKill, DEFAULT_TOOL_PRIVILEGES), []);
    assert.deepEqual(
      checkToolConfig(
        { ...podKill, image: 'localhost/x:1', parameters: [{ name: 'n', flag: '--n', type: 'integer' }] },
        DEFAULT_TOOL_PRIVILEGES,
      ),
      [
        { path: 'spec.image', message: 'action evict runs no container: leave it out' },
        { path: 'spec.parameters', message: 'action evict runs no container: leave it out' },
      ],
    );
  });
  it('refuses an inject tool without its image or command, naming each', () => {
    const { image: _image, command: _command, ...rest } = perf;
    assert.deepEqual(
      checkToolConfig(rest, DEFAULT_TOOL_PRIVILEGES).map((e) => e.path),
      ['spec.image', 'spec.command'],
    );
  });
});
