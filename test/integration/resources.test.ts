/**
 * The shared status writer (ResourceClient.updateStatus) against the real API server: it writes a changed status,
 * skips an unchanged one (keys in any order), and refuses a status computed from a stale read.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { GROUP, VERSION, type PowerToolConfig } from '../../src/api/index.ts';
import { classify } from '../../src/kube/errors.ts';
import { ensureNamespace, installCrds, testClients } from './kube.ts';

const clients = testClients();
const NS = `it-resources-${Date.now().toString(36)}`;
const configs = clients.resources.configs;

describe('ResourceClient.updateStatus', () => {
  before(async () => {
    await installCrds(clients);
    await ensureNamespace(clients, NS);
  });
  after(async () => {
    await clients.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  it('writes a changed status once, skips the same one, and refuses a stale read', async () => {
    const sample = parse(readFileSync(new URL('../../samples/configs/cpu.yaml', import.meta.url), 'utf8')) as PowerToolConfig;
    const body = { ...sample, metadata: { name: 'c', namespace: NS } };
    await clients.custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: configs.plural, body });
    const cond = (message: string) => ({
      type: 'Ready',
      status: 'True' as const,
      reason: 'Valid',
      message,
      lastTransitionTime: '2026-01-01T00:00:00Z',
    });
    const first = await configs.get(NS, 'c');
    assert.equal(await configs.updateStatus(first, { observedGeneration: 1, conditions: [cond('a')] }), true);
    const second = await configs.get(NS, 'c');
    assert.equal(second.status?.conditions?.[0]?.message, 'a');
    // The same status with its keys in another order is no change: nothing is written.
    const reordered = {
      conditions: [{ message: 'a', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'Valid', status: 'True', type: 'Ready' }],
      observedGeneration: 1,
    };
    assert.equal(await configs.updateStatus(second, reordered as typeof second.status & object), false);
    assert.equal((await configs.get(NS, 'c')).metadata.resourceVersion, second.metadata.resourceVersion);
    // `first` is stale now: a status computed from it is refused, not written over the newer one.
    const stale = await configs.updateStatus(first, { observedGeneration: 1, conditions: [cond('b')] }).catch((e: unknown) => e);
    assert.equal(classify(stale), 'conflict');
    assert.equal((await configs.get(NS, 'c')).status?.conditions?.[0]?.message, 'a');
  });
});
