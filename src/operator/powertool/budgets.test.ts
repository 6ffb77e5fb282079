import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1LabelSelector, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { allowedNow, budgetRefusal, covers } from './budgets.ts';

const pod = (name: string, labels: Record<string, string>, namespace = 'shop'): V1Pod => ({ metadata: { name, namespace, labels } });

function pdb(
  name: string,
  selector: V1LabelSelector | undefined,
  status: { allowed: number; observed?: number; healthy?: number; desired?: number } | undefined,
  generation = 1,
): V1PodDisruptionBudget {
  return {
    metadata: { name, namespace: 'shop', generation },
    spec: { minAvailable: 1, selector },
    ...(status
      ? {
          status: {
            disruptionsAllowed: status.allowed,
            observedGeneration: status.observed ?? generation,
            currentHealthy: status.healthy ?? 2,
            desiredHealthy: status.desired ?? 1,
            expectedPods: 2,
          },
        }
      : {}),
  };
}

const web = [pod('web-1', { app: 'web' }), pod('web-2', { app: 'web' }), pod('db-1', { app: 'db' })];
const targets = (...names: string[]) => names.map((p) => ({ pod: p }));

describe('which PodDisruptionBudget covers which pod', () => {
  it('matches by selector within the namespace only', () => {
    const b = pdb('web', { matchLabels: { app: 'web' } }, { allowed: 1 });
    assert.deepEqual(
      web.map((p) => covers(b, p)),
      [true, true, false],
    );
    assert.equal(covers(b, pod('web-1', { app: 'web' }, 'other')), false);
  });

  it('covers every pod of the namespace with an empty selector and none without one (policy/v1)', () => {
    assert.equal(covers(pdb('all', {}, { allowed: 0 }), web[2] as V1Pod), true);
    assert.equal(covers(pdb('none', undefined, { allowed: 0 }), web[2] as V1Pod), false);
  });

  it('honours matchExpressions', () => {
    const b = pdb('not-db', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }, { allowed: 0 });
    assert.deepEqual(
      web.map((p) => covers(b, p)),
      [true, true, false],
    );
  });
});

describe('the budget arithmetic', () => {
  it('allows as many covered targets as status.disruptionsAllowed, and refuses one more, naming the budget', () => {
    const b = pdb('web-budget', { matchLabels: { app: 'web' } }, { allowed: 1, healthy: 2, desired: 1 });
    assert.equal(budgetRefusal(targets('web-1'), web, [b]), undefined);
    const refused = budgetRefusal(targets('web-1', 'web-2'), web, [b]);
    assert.equal(refused?.budget, 'web-budget');
    assert.match(
      refused?.message ?? '',
      /^PodDisruptionBudget "web-budget" allows 1 disruption\(s\) now \(2 healthy, 1 required\) and this run would disrupt 2 pod\(s\) it covers \(web-1, web-2\)/,
    );
  });

  it('refuses any covered target when the budget allows no disruption, and ignores targets it does not cover', () => {
    const b = pdb('web-budget', { matchLabels: { app: 'web' } }, { allowed: 0 });
    assert.equal(budgetRefusal(targets('web-1'), web, [b])?.budget, 'web-budget');
    assert.equal(budgetRefusal(targets('db-1'), web, [b]), undefined);
  });

  it('counts a budget the disruption controller has not processed as allowing nothing', () => {
    assert.deepEqual(allowedNow(pdb('new', {}, undefined)), { allowed: 0, processed: false });
    // Status from an older spec: the server's own eviction check would refuse it as "still being processed" too.
    assert.deepEqual(allowedNow(pdb('edited', {}, { allowed: 3, observed: 1 }, 2)), { allowed: 0, processed: false });
    const refused = budgetRefusal(targets('db-1'), web, [pdb('new', {}, undefined)]);
    assert.match(
      refused?.message ?? '',
      /^PodDisruptionBudget "new" covers db-1 but the disruption controller has not computed its status yet/,
    );
  });

  it('names the first budget by name when several would be exceeded, and never counts a negative allowance', () => {
    const b = pdb('b-budget', { matchLabels: { app: 'web' } }, { allowed: 0 });
    const a = pdb('a-budget', {}, { allowed: -1 });
    assert.equal(allowedNow(a).allowed, 0);
    assert.equal(budgetRefusal(targets('web-1'), web, [b, a])?.budget, 'a-budget');
  });
});
