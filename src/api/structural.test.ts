import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kindSchema, type SchemaNode } from './crd.ts';
import { kinds, type KindName } from './index.ts';

/**
 * The Kubernetes structural-schema rules that can be checked without an API server
 * (apiextensions-apiserver pkg/apiserver/schema/validation.go and the CRD validation around it), a little
 * stricter where TOE needs no more: no anyOf/allOf/oneOf/not at all, and only keywords a CRD schema knows.
 */

const KEYWORDS = new Set([
  'type',
  'description',
  'properties',
  'items',
  'additionalProperties',
  'required',
  'enum',
  'default',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'nullable',
  'title',
  'example',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
]);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
// Go's RE2, which the API server compiles patterns with, has no lookaround and no backreferences.
const NOT_RE2 = /\(\?[=!<]|\\[1-9]/;

type Level = 'root' | 'field' | 'item';

function enumMatches(type: string | undefined, value: unknown): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number';
  if (type === 'boolean') return typeof value === 'boolean';
  return true;
}

/** Every way the schema breaks the structural rules, as `path: problem` lines; empty when it is structural. */
function structuralErrors(node: SchemaNode, path = '', level: Level = 'root'): string[] {
  const out: string[] = [];
  const bad = (problem: string): number => out.push(`${path || '<root>'}: ${problem}`);
  for (const key of Object.keys(node)) if (!KEYWORDS.has(key)) bad(`keyword ${key} is not allowed in a structural schema`);
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.type === undefined && !intOrString && !preserve) bad('has no type (nor int-or-string, nor preserve-unknown-fields)');
  if (node.type !== undefined && !TYPES.has(node.type)) bad(`unknown type ${String(node.type)}`);
  if (intOrString && node.type !== undefined) bad('int-or-string must not also set type');
  if (intOrString && preserve) bad('int-or-string and preserve-unknown-fields exclude each other');
  if (node.type === 'array' && (node.items === undefined || Array.isArray(node.items))) bad('an array needs one items schema');
  if (node.properties && node.additionalProperties !== undefined) bad('properties and additionalProperties exclude each other');
  if (node.additionalProperties !== undefined && typeof node.additionalProperties !== 'object')
    bad('additionalProperties must be a schema, not a boolean');
  if (level === 'root') {
    if (node.type !== 'object') bad('the root must be an object');
    if (node.additionalProperties !== undefined) bad('additionalProperties is not allowed at the root');
    const { metadata, apiVersion, kind } = node.properties ?? {};
    if (metadata && JSON.stringify(metadata) !== '{"type":"object"}') bad('metadata may only be {type: object}');
    for (const [name, p] of [
      ['apiVersion', apiVersion],
      ['kind', kind],
    ] as const)
      if (p && p.type !== 'string') bad(`${name} must be a string`);
  } else if (
    node['x-kubernetes-embedded-resource'] === true &&
    node.properties?.metadata &&
    JSON.stringify(node.properties.metadata) !== '{"type":"object"}'
  )
    // Only the root and embedded resources carry ObjectMeta; elsewhere (a schedule's template.metadata with labels
    // and annotations) `metadata` is an ordinary field name, which the API server accepts as declared.
    bad('metadata of an embedded resource may only be {type: object}');
  for (const name of node.required ?? []) if (!node.properties?.[name]) bad(`required field ${name} is not a property`);
  for (const value of node.enum ?? []) if (!enumMatches(node.type, value)) bad(`enum value ${JSON.stringify(value)} is not a ${node.type}`);
  if (typeof node.pattern === 'string') {
    try {
      new RegExp(node.pattern, 'u');
    } catch (err) {
      bad(`pattern does not compile: ${(err as Error).message}`);
    }
    if (NOT_RE2.test(node.pattern)) bad('pattern uses lookaround or backreferences, which RE2 lacks');
  }
  const listType = node['x-kubernetes-list-type'];
  if (listType !== undefined) {
    if (node.type !== 'array') bad('x-kubernetes-list-type on a non-array');
    if (!['atomic', 'set', 'map'].includes(listType as string)) bad(`unknown list type ${String(listType)}`);
  }
  if (listType === 'map') {
    const keys = node['x-kubernetes-list-map-keys'];
    const item = node.items;
    if (!Array.isArray(keys) || keys.length === 0) bad('a map list needs x-kubernetes-list-map-keys');
    else if (item?.type !== 'object') bad('a map list needs object items');
    else {
      for (const key of keys as string[]) {
        const field = item.properties?.[key];
        if (!field || !['string', 'integer', 'boolean', 'number'].includes(field.type ?? ''))
          bad(`map key ${key} must be a scalar property of the items`);
        if (!(item.required ?? []).includes(key) && field?.default === undefined) bad(`map key ${key} must be required or defaulted`);
      }
    }
  }
  const rules = node['x-kubernetes-validations'];
  if (rules !== undefined) {
    const ok =
      Array.isArray(rules) &&
      rules.every(
        (r: { rule?: unknown; message?: unknown }) =>
          typeof r.rule === 'string' && r.rule.length > 0 && (r.message === undefined || typeof r.message === 'string'),
      );
    if (!ok) bad('x-kubernetes-validations must be a list of {rule, message}');
  }
  for (const [name, child] of Object.entries(node.properties ?? {}))
    out.push(...structuralErrors(child, path ? `${path}.${name}` : name, 'field'));
  if (node.items && !Array.isArray(node.items)) out.push(...structuralErrors(node.items, `${path}[]`, 'item'));
  if (typeof node.additionalProperties === 'object') out.push(...structuralErrors(node.additionalProperties, `${path}{}`, 'field'));
  return out;
}

describe('the generated CRD schemas', () => {
  for (const kind of Object.keys(kinds) as KindName[]) {
    it(`${kind} is structural`, () => {
      assert.deepEqual(structuralErrors(kindSchema(kind)), []);
    });
  }

  it('carry no JS-only artefacts: no $ref, no safe-integer bounds, no additionalProperties: false', () => {
    for (const kind of Object.keys(kinds) as KindName[]) {
      const text = JSON.stringify(kindSchema(kind));
      for (const artefact of [
        '$ref',
        '$defs',
        '"const"',
        '9007199254740991',
        '"additionalProperties":false',
        '"additionalProperties":{}',
        'anyOf',
      ]) {
        assert.ok(!text.includes(artefact), `${kind} contains ${artefact}`);
      }
    }
  });
});

describe('structuralErrors', () => {
  const root = (spec: SchemaNode): SchemaNode => ({ type: 'object', properties: { metadata: { type: 'object' }, spec } });

  it('accepts a small structural schema', () => {
    assert.deepEqual(structuralErrors(root({ type: 'object', properties: { n: { type: 'integer', description: 'n' } } })), []);
  });

  it('refuses each kind of non-structural node', () => {
    const cases: [SchemaNode, RegExp][] = [
      [root({ properties: { a: { type: 'string' } } }), /spec: has no type/],
      [root({ type: 'object', anyOf: [{ required: ['a'] }] }), /keyword anyOf/],
      [root({ $ref: '#/x' }), /keyword \$ref/],
      [root({ type: 'array' }), /an array needs one items/],
      [root({ type: 'object', properties: {}, additionalProperties: { type: 'string' } }), /exclude each other/],
      [root({ type: 'object', additionalProperties: false }), /must be a schema/],
      [root({ type: 'object', 'x-kubernetes-int-or-string': true }), /must not also set type/],
      [root({ type: 'string', pattern: '^(?!\\.)x$' }), /RE2/],
      [root({ type: 'string', enum: [1] }), /enum value 1/],
      [root({ type: 'object', required: ['a'], properties: {} }), /required field a/],
      [
        root({
          type: 'array',
          items: { type: 'object', properties: { k: { type: 'string' } } },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['k'],
        }),
        /required or defaulted/,
      ],
      [root({ type: 'object', 'x-kubernetes-validations': [{ message: 'no rule' }] }), /list of \{rule, message\}/],
      [{ type: 'object', properties: { metadata: { type: 'object', description: 'x' } } }, /metadata may only be/],
      [
        {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              'x-kubernetes-embedded-resource': true,
              properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } },
            },
          },
        },
        /metadata of an embedded resource/,
      ],
      [{ type: 'object', additionalProperties: { type: 'string' } }, /not allowed at the root/],
    ];
    for (const [schema, expected] of cases) {
      const errors = structuralErrors(schema);
      assert.ok(
        errors.some((e) => expected.test(e)),
        `${JSON.stringify(schema)} -> ${JSON.stringify(errors)}`,
      );
    }
  });
});
