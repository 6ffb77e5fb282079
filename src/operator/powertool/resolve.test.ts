import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PowerTool, PowerToolConfig } from '../../api/index.ts';
import type { Cache } from '../../kube/informer.ts';
import { DEFAULT_FINISH_GRACE_MS, finishGraceMs } from './resolve.ts';

const pt = (tool: string): PowerTool => ({ apiVersion: 'toe.dev/v1alpha1', kind: 'PowerTool', metadata: { name: 'p', namespace: 'shop' }, spec: { targets: { selector: { matchLabels: { app: 'web' } } }, tool: { name: tool } } }) as unknown as PowerTool;

function configs(...items: { tool: string; namespace?: string; finishGrace?: string }[]): Cache<PowerToolConfig> {
  const all = items.map((i) => ({ metadata: { name: i.tool, namespace: i.namespace ?? 'toe-system' }, spec: { tool: { name: i.tool }, limits: i.finishGrace === undefined ? {} : { finishGrace: i.finishGrace } } }) as unknown as PowerToolConfig);
  return { get: (name, ns) => all.find((c) => c.metadata?.name === name && c.metadata.namespace === ns), list: (ns) => all.filter((c) => ns === undefined || c.metadata?.namespace === ns) };
}

describe('finishGraceMs', () => {
  it('reads the tool config\'s limits.finishGrace', () => {
    assert.equal(finishGraceMs(pt('perf'), configs({ tool: 'perf', finishGrace: '30s' }, { tool: 'cpu', finishGrace: '1s' }), 'toe-system'), 30_000);
    assert.equal(finishGraceMs(pt('cpu'), configs({ tool: 'perf', finishGrace: '30s' }, { tool: 'cpu', finishGrace: '1s' }), 'toe-system'), 1_000);
  });

  it('falls back to the default when the config is gone, has none, or lives outside the operator\'s namespace', () => {
    assert.equal(finishGraceMs(pt('perf'), configs(), 'toe-system'), DEFAULT_FINISH_GRACE_MS);
    assert.equal(finishGraceMs(pt('perf'), configs({ tool: 'perf' }), 'toe-system'), DEFAULT_FINISH_GRACE_MS);
    assert.equal(finishGraceMs(pt('perf'), configs({ tool: 'perf', finishGrace: '30s', namespace: 'shop' }), 'toe-system'), DEFAULT_FINISH_GRACE_MS);
    assert.equal(finishGraceMs(pt('perf'), configs({ tool: 'perf', finishGrace: 'soon' }), 'toe-system'), DEFAULT_FINISH_GRACE_MS);
  });

  it('never waits longer than the 5m cap, even for a config the controller has not yet marked Invalid', () => {
    assert.equal(finishGraceMs(pt('perf'), configs({ tool: 'perf', finishGrace: '2h' }), 'toe-system'), 5 * 60_000);
  });
});
