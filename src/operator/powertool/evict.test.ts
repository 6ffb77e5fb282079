import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { budgetName } from './evict.ts';

describe('budgetName', () => {
  it('reads the budget from the API server cause texts', () => {
    assert.equal(budgetName('The disruption budget web-budget needs 1 healthy pods and has 1 currently'), 'web-budget');
    assert.equal(budgetName('The disruption budget db.v2 is still being processed by the server.'), 'db.v2');
  });
  it('names nothing when the text holds no budget name', () => {
    assert.equal(budgetName("Cannot evict pod as it would violate the pod's disruption budget."), undefined);
    assert.equal(budgetName('The disruption budget "; rm -rf / needs 1'), undefined);
  });
});
