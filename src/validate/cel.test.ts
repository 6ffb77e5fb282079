import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaNode } from '../api/crd.ts';
import { compileErrors, ruleErrors } from './cel.ts';

const item: SchemaNode = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 8 },
    count: { type: 'integer' },
    tags: { type: 'array', maxItems: 4, items: { type: 'string', maxLength: 8 } },
  },
};
const schema = (rule: string, message = 'broken'): SchemaNode => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': [{ rule, message }],
      properties: {
        items: { type: 'array', maxItems: 8, items: item },
        labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 8 } },
      },
    },
  },
});

describe('compileErrors', () => {
  it('accepts rules that type-check against the schema', () => {
    assert.deepEqual(compileErrors(schema('self.items.all(i, i.count > 0 && size(i.tags) <= 4) && self.labels.all(k, k != "")')), []);
  });
  it('refuses a misspelt field, a type mismatch and a syntax error, naming where the rule is', () => {
    for (const rule of ['self.itmes.all(i, true)', 'self.items.all(i, i.name == 3)', 'self.items.all(i, ']) {
      const errors = compileErrors(schema(rule));
      assert.equal(errors.length, 1, rule);
      assert.equal(errors[0]?.path, 'spec');
    }
  });
});

describe('ruleErrors', () => {
  const unique = schema('self.items.all(a, self.items.exists_one(b, b.name == a.name))', 'names must be unique');
  it('passes an object that keeps the rule', () => {
    assert.deepEqual(ruleErrors(unique, { spec: { items: [{ name: 'a' }, { name: 'b' }] } }), []);
  });
  it("reports a broken rule at the node it sits on, in the API server's words", () => {
    assert.deepEqual(ruleErrors(unique, { spec: { items: [{ name: 'a' }, { name: 'a' }] } }), [
      { path: 'spec', message: 'Invalid value: "object": names must be unique' },
    ]);
  });
  it('compares integers as CEL ints', () => {
    const positive = schema('self.items.all(i, i.count > 2)');
    assert.deepEqual(ruleErrors(positive, { spec: { items: [{ count: 3 }] } }), []);
    assert.equal(ruleErrors(positive, { spec: { items: [{ count: 1 }] } }).length, 1);
  });
  it('finds rules on list items and reports each item by index', () => {
    const s: SchemaNode = {
      type: 'array',
      items: { ...item, 'x-kubernetes-validations': [{ rule: 'has(self.name)', message: 'needs a name' }] },
    };
    assert.deepEqual(ruleErrors(s, [{ name: 'a' }, {}], 'spec.items'), [
      { path: 'spec.items[1]', message: 'Invalid value: "object": needs a name' },
    ]);
  });
  it('says so when a rule cannot be evaluated, rather than passing', () => {
    const errors = ruleErrors(schema('self.items.all(i, i.count > 0)'), { spec: { items: [{ name: 'no count' }] } });
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /could not be evaluated/);
  });
});
