import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { powerTool as powerToolSchema, type PowerTool, type PowerToolConfig } from '../../api/index.ts';
import type { Cache } from '../../kube/informer.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_TOOL_POLICY } from '../powertoolconfig/check.ts';
import { DEFAULT_FINISH_GRACE_MS, finishGraceMs, resolveTool } from './resolve.ts';

const pt = (tool: string): PowerTool =>
  powerToolSchema.parse({
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name: 'p', namespace: 'shop' },
    spec: { targets: { selector: { matchLabels: { app: 'web' } } }, tool: { name: tool } },
  }) as PowerTool;

function configs(...items: { tool: string; namespace?: string; finishGrace?: string }[]): Cache<PowerToolConfig> {
  const all = items.map(
    (i) =>
      ({
        metadata: { name: i.tool, namespace: i.namespace ?? 'toe-system' },
        spec: { tool: { name: i.tool }, limits: i.finishGrace === undefined ? {} : { finishGrace: i.finishGrace } },
      }) as unknown as PowerToolConfig,
  );
  return {
    get: (name, ns) => all.find((c) => c.metadata?.name === name && c.metadata.namespace === ns),
    list: (ns) => all.filter((c) => ns === undefined || c.metadata?.namespace === ns),
  };
}

describe('finishGraceMs', () => {
  it("reads the tool config's limits.finishGrace", () => {
    assert.equal(
      finishGraceMs(pt('perf'), configs({ tool: 'perf', finishGrace: '30s' }, { tool: 'cpu', finishGrace: '1s' }), 'toe-system'),
      30_000,
    );
    assert.equal(
      finishGraceMs(pt('cpu'), configs({ tool: 'perf', finishGrace: '30s' }, { tool: 'cpu', finishGrace: '1s' }), 'toe-system'),
      1_000,
    );
  });

  it("falls back to the default when the config is gone, has none, or lives outside the operator's namespace", () => {
    assert.equal(finishGraceMs(pt('perf'), configs(), 'toe-system'), DEFAULT_FINISH_GRACE_MS);
    assert.equal(finishGraceMs(pt('perf'), configs({ tool: 'perf' }), 'toe-system'), DEFAULT_FINISH_GRACE_MS);
    assert.equal(
      finishGraceMs(pt('perf'), configs({ tool: 'perf', finishGrace: '30s', namespace: 'shop' }), 'toe-system'),
      DEFAULT_FINISH_GRACE_MS,
    );
    assert.equal(finishGraceMs(pt('perf'), configs({ tool: 'perf', finishGrace: 'soon' }), 'toe-system'), DEFAULT_FINISH_GRACE_MS);
  });

  it('never waits longer than the 5m cap, even for a config the controller has not yet marked Invalid', () => {
    assert.equal(finishGraceMs(pt('perf'), configs({ tool: 'perf', finishGrace: '2h' }), 'toe-system'), 5 * 60_000);
  });
});

describe('resolveTool', () => {
  const shipped = parse(readFileSync(new URL('../../../powertools/perf/config.yaml', import.meta.url), 'utf8')) as PowerToolConfig & {
    spec: { securityContext: Record<string, unknown> };
  };
  const one = (config: PowerToolConfig): Cache<PowerToolConfig> => ({ get: () => config, list: () => [config] });

  it('resolves a shipped config within the policy to its argv', () => {
    const r = resolveTool(pt('perf'), one(shipped), 'toe-system', DEFAULT_TOOL_POLICY);
    assert.ok(r.ok, JSON.stringify(r));
  });

  it("refuses a config outside the operator's policy, whatever its status says", () => {
    const forged = {
      ...shipped,
      spec: { ...shipped.spec, securityContext: { ...shipped.spec.securityContext, capabilities: { add: ['SYS_MODULE'] } } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    } as PowerToolConfig;
    const r = resolveTool(pt('perf'), one(forged), 'toe-system', DEFAULT_TOOL_POLICY);
    assert.ok(!r.ok);
    assert.equal(r.blocker.reason, 'ToolInvalid');
    assert.match(r.blocker.message, /capabilities\.add\[0\]: capability SYS_MODULE is not allowed/);
  });
});
