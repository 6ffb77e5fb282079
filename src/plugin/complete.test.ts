import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { complete, type Lookup } from './complete.ts';

const asked: string[] = [];
const lookup: Lookup = {
  tools: async () => (asked.push('tools'), ['perf', 'cpu', 'network']),
  powerTools: async (ns) => (asked.push(`pts:${ns ?? ''}`), ns === 'shop' ? ['cart-profile'] : ['perf-1', 'perf-2']),
  namespaces: async () => (asked.push('namespaces'), ['default', 'shop']),
};
const down: Lookup = {
  tools: () => Promise.reject(new Error('no cluster')),
  powerTools: () => Promise.reject(new Error('no cluster')),
  namespaces: () => Promise.reject(new Error('no cluster')),
};

describe('kubectl toe completion', () => {
  it('completes verbs, then tool names for run and PowerTool names for the other verbs', async () => {
    assert.deepEqual(await complete([''], lookup), ['run', 'get', 'describe', 'logs', 'report', 'stop', 'completion']);
    assert.deepEqual(await complete(['de'], lookup), ['describe']);
    assert.deepEqual(await complete(['run', 'c'], lookup), ['cpu']);
    assert.deepEqual(await complete(['logs', ''], lookup), ['perf-1', 'perf-2']);
    assert.deepEqual(await complete(['completion', ''], lookup), ['bash', 'zsh', 'fish']);
  });

  it('uses the namespace given with -n for names, and completes namespaces after -n', async () => {
    asked.length = 0;
    assert.deepEqual(await complete(['describe', '-n', 'shop', ''], lookup), ['cart-profile']);
    assert.deepEqual(asked, ['pts:shop']);
    assert.deepEqual(await complete(['get', '-n', 's'], lookup), ['shop']);
  });

  it("completes a verb's flags and the values of enum flags, and nothing for free values or after --", async () => {
    assert.deepEqual(await complete(['run', 'perf', '--out'], lookup), ['--output-mode']);
    assert.deepEqual(await complete(['run', 'perf', '--output-mode', ''], lookup), ['logs', 'pvc', 'collector']);
    assert.deepEqual(await complete(['run', 'perf', '-l', ''], lookup), []);
    assert.deepEqual(await complete(['run', 'perf', '--', ''], lookup), []);
    assert.deepEqual(await complete(['describe', 'perf-1', ''], lookup), [], 'describe takes one name');
    assert.deepEqual(await complete(['frobnicate', ''], lookup), []);
  });

  it('gives no names, and no error, when the cluster does not answer', async () => {
    assert.deepEqual(await complete(['run', ''], down), []);
    assert.deepEqual(await complete(['get', '-n', ''], down), []);
  });
});
