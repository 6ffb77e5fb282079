import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { powerTool, powerToolConfigSpec, type PowerTool } from '../api/index.ts';
import { toolErrors, type ToolConfig } from './tool.ts';
import { validConfig, validPowerTool, withField } from './testdata/documents.ts';

const config = (patch: Record<string, unknown> = {}): ToolConfig => ({
  tool: 'perf',
  where: 'perf.yaml#0',
  spec: powerToolConfigSpec.parse({ ...validConfig.spec, ...patch }),
});
const pt = (path?: string, value?: unknown): PowerTool => powerTool.parse(path ? withField(validPowerTool, path, value) : validPowerTool);

describe('toolErrors', () => {
  it('accepts a PowerTool its config admits', () => {
    assert.deepEqual(toolErrors(pt(), config(), 'the input files'), []);
  });

  it('names the tool and where it looked when there is no config', () => {
    assert.deepEqual(toolErrors(pt(), undefined, 'the input files or under powertools'), [
      { path: 'spec.tool.name', message: 'Not found: "perf": no PowerToolConfig for this tool in the input files or under powertools' },
    ]);
  });

  it('refuses to judge against a config that is itself invalid', () => {
    const [error] = toolErrors(pt(), { tool: 'perf', where: 'perf.yaml#2' }, '');
    assert.equal(error?.path, 'spec.tool.name');
    assert.match(error?.message ?? '', /perf\.yaml#2\) is itself invalid/);
  });

  it('passes the args through the allowlist and reports its refusals at each argument', () => {
    const errors = toolErrors(pt('spec.tool.args', ['--freq=99', '--output=/etc/shadow']), config(), '');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.path, 'spec.tool.args[1]');
    assert.match(errors[0]?.message ?? '', /--output/);
  });

  it("holds the duration to the config's maxDuration", () => {
    assert.deepEqual(toolErrors(pt('spec.tool.duration', '11m'), config(), ''), [
      { path: 'spec.tool.duration', message: 'Invalid value: "11m": must be at most 10m, the limit of tool "perf" (perf.yaml#0)' },
    ]);
    assert.deepEqual(toolErrors(pt('spec.tool.duration', '10m'), config(), ''), []);
  });

  it('refuses a duration that is not positive, as admission does', () => {
    assert.deepEqual(toolErrors(pt('spec.tool.duration', '0s'), config(), ''), [
      { path: 'spec.tool.duration', message: 'Invalid value: "0s": must be a positive duration such as "30s" or "5m", at most 10m' },
    ]);
  });

  it('allows only the output modes the config lists', () => {
    assert.deepEqual(toolErrors(pt('spec.output.mode', 'logs'), config({ outputModes: ['collector'] }), ''), [
      { path: 'spec.output.mode', message: 'Unsupported value: "logs": tool "perf" allows "collector"' },
    ]);
  });

  it('requires spec.volume for a tool that acts on one and forbids it for others', () => {
    assert.equal(toolErrors(pt(), config({ volume: 'required' }), '')[0]?.path, 'spec.volume');
    assert.match(
      toolErrors(pt('spec.volume', { name: 'data' }), config(), '')[0]?.message ?? '',
      /^Forbidden: tool "perf" does not act on a volume/,
    );
    assert.deepEqual(toolErrors(pt('spec.volume', { name: 'data' }), config({ volume: 'optional' }), ''), []);
  });
});
