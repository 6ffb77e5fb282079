import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { powerTool as powerToolSchema, type PowerTool, type PowerToolConfig } from '../../api/index.ts';
import type { Cache } from '../../kube/informer.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_TOOL_PRIVILEGES } from '../powertoolconfig/check.ts';
import { DEFAULT_FINISH_GRACE_MS, finishGraceMs, resolveTool, runTool } from './resolve.ts';

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
    const r = resolveTool(pt('perf'), one(shipped), 'toe-system', DEFAULT_TOOL_PRIVILEGES);
    assert.ok(r.ok, JSON.stringify(r));
  });

  it("refuses a config outside the operator's tool privileges, whatever its status says", () => {
    const forged = {
      ...shipped,
      spec: { ...shipped.spec, securityContext: { ...shipped.spec.securityContext, capabilities: { add: ['SYS_MODULE'] } } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    } as PowerToolConfig;
    const r = resolveTool(pt('perf'), one(forged), 'toe-system', DEFAULT_TOOL_PRIVILEGES);
    assert.ok(!r.ok);
    assert.equal(r.blocker.reason, 'ToolInvalid');
    assert.match(r.blocker.message, /capabilities\.add\[0\]: capability SYS_MODULE is not allowed/);
  });
});

describe('runTool (a run under way)', () => {
  const shipped = parse(readFileSync(new URL('../../../powertools/perf/config.yaml', import.meta.url), 'utf8')) as PowerToolConfig;
  const one = (config: PowerToolConfig): Cache<PowerToolConfig> => ({ get: () => config, list: () => [config] });
  const none: Cache<PowerToolConfig> = { get: () => undefined, list: () => [] };
  const selected = resolveTool(
    pt('perf'),
    one({ ...shipped, metadata: { ...shipped.metadata, generation: 3 } as PowerToolConfig['metadata'] }),
    'toe-system',
    DEFAULT_TOOL_PRIVILEGES,
  );
  const frozen = selected.ok ? selected.tool : assert.fail('the shipped perf config resolves');
  const running = (tool = frozen): PowerTool => ({ ...pt('perf'), status: { resolvedTool: tool } });

  it('records the config it resolved from: name, generation, image, command and argv', () => {
    assert.deepEqual(
      [frozen.config, frozen.generation, frozen.image, frozen.command, frozen.argv, frozen.finishGrace],
      ['perf', 3, 'localhost/toe-perf:0.1.0', ['/toe/bin/entrypoint'], ['--freq=99', '--call-graph=fp'], '30s'],
    );
  });

  it('injects from the record whatever the config became, or when it is gone', () => {
    const edited = { ...shipped, spec: { ...shipped.spec, image: 'localhost/other:1', defaultArgs: ['--evil'] } } as PowerToolConfig;
    assert.deepEqual(runTool(running(), one(edited), 'toe-system', DEFAULT_TOOL_PRIVILEGES), { ok: true, tool: frozen });
    assert.deepEqual(runTool(running(), none, 'toe-system', DEFAULT_TOOL_PRIVILEGES), { ok: true, tool: frozen });
    assert.equal(finishGraceMs(running(), none, 'toe-system'), 30_000);
  });

  it("holds the record to the operator's tool privileges", () => {
    const forged = { ...frozen, securityContext: { privileged: true } };
    const r = runTool(running(forged), none, 'toe-system', DEFAULT_TOOL_PRIVILEGES);
    assert.deepEqual(r.ok ? '' : r.reason, 'ToolNotAllowed');
  });

  it('resolves a run without a record (an older operator selected it) now, and names a deleted config', () => {
    const { generation: _generation, ...unversioned } = frozen;
    assert.deepEqual(runTool(pt('perf'), one(shipped), 'toe-system', DEFAULT_TOOL_PRIVILEGES), { ok: true, tool: unversioned });
    const gone = runTool(pt('perf'), none, 'toe-system', DEFAULT_TOOL_PRIVILEGES);
    assert.equal(gone.ok ? '' : gone.reason, 'ConfigDeleted');
  });
});
