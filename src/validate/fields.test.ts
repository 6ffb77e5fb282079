import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaNode } from '../api/crd.ts';
import { unknownFields } from './fields.ts';

const schema: SchemaNode = {
  type: 'object',
  properties: {
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        result: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

describe('unknownFields', () => {
  it('accepts known fields, map entries, preserved objects and opaque metadata', () => {
    const doc = {
      metadata: { name: 'x', anything: 1 },
      spec: { items: [{ name: 'a' }], labels: { a: 'b' }, result: { free: { form: true } } },
    };
    assert.deepEqual(unknownFields(schema, doc), []);
  });
  it('names each unknown field by its path and says what is allowed there', () => {
    const doc = { spec: { itemz: [], items: [{ name: 'a' }, { nmae: 'b' }] }, extra: true };
    assert.deepEqual(unknownFields(schema, doc), [
      { path: 'spec.itemz', message: 'Unknown field: allowed here: items, labels, result' },
      { path: 'spec.items[1].nmae', message: 'Unknown field: allowed here: name' },
      { path: 'extra', message: 'Unknown field: allowed here: metadata, spec' },
    ]);
  });
  it('leaves values of the wrong type to the schema check', () => {
    assert.deepEqual(unknownFields(schema, { spec: 'text' }), []);
    assert.deepEqual(unknownFields(schema, { spec: { items: 'no list' } }), []);
  });
});
