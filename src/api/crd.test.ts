import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ajvValidatorFor } from '../validate/ajv.ts';
import { compileErrors, rulesOf } from '../validate/cel.ts';
import { crdFiles, customResourceDefinition, GENERATED_HEADER, kindSchema, type SchemaNode } from './crd.ts';
import { kinds, type KindName } from './index.ts';

const crdDir = new URL('../../crds/', import.meta.url);
const kindNames = Object.keys(kinds) as KindName[];

/** Calls visit on every node under a schema with its field path. */
function walk(node: SchemaNode, visit: (node: SchemaNode, path: string) => void, path = ''): void {
  visit(node, path);
  for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, visit, path ? `${path}.${k}` : k);
  if (node.items) walk(node.items, visit, `${path}[]`);
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, visit, `${path}{}`);
}

describe('crds/', () => {
  it('is what npm run gen:crds writes now (run it after changing src/api)', () => {
    const expected = crdFiles();
    const present = readdirSync(crdDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    assert.deepEqual(present, expected.map((f) => f.file).sort(), 'crds/ holds other files than the generator writes');
    for (const { file, text } of expected) {
      assert.equal(readFileSync(new URL(file, crdDir), 'utf8'), text, `crds/${file} is stale: run npm run gen:crds`);
    }
  });

  it('marks each file as generated and parses back to the CRD', () => {
    for (const { file, text } of crdFiles()) {
      assert.ok(text.startsWith(GENERATED_HEADER), file);
      const crd = parse(text) as { spec: { names: { kind: KindName } } };
      assert.deepEqual(crd, customResourceDefinition(crd.spec.names.kind));
    }
  });
});

describe('customResourceDefinition', () => {
  it('names each kind in group toe.dev with its short name and the toe category', () => {
    const names = kindNames.map((k) => customResourceDefinition(k));
    assert.deepEqual(
      names.map((c) => c.metadata.name),
      [
        'powertoolconfigs.toe.dev',
        'powertools.toe.dev',
        'powertoolprocessings.toe.dev',
        'emergencystops.toe.dev',
        'powertoolschedules.toe.dev',
        'powertoolscenarios.toe.dev',
      ],
    );
    assert.deepEqual(
      names.map((c) => c.spec.names.shortNames),
      [['ptc'], ['pt'], ['ptp'], ['estop'], ['pts'], ['ptsc']],
    );
    for (const crd of names) {
      assert.equal(crd.spec.group, 'toe.dev');
      // An emergency stop acts on the whole cluster, so it lives outside any namespace.
      assert.equal(crd.spec.scope, crd.spec.names.kind === 'EmergencyStop' ? 'Cluster' : 'Namespaced');
      assert.deepEqual(crd.spec.names.categories, ['toe']);
      assert.equal(crd.spec.names.listKind, `${crd.spec.names.kind}List`);
    }
  });

  it('serves and stores v1alpha1 with a status subresource and printer columns', () => {
    for (const kind of kindNames) {
      const versions = customResourceDefinition(kind).spec.versions;
      assert.equal(versions.length, 1);
      const [v] = versions;
      assert.deepEqual([v?.name, v?.served, v?.storage], ['v1alpha1', true, true]);
      assert.deepEqual(v?.subresources, { status: {} });
      assert.ok((v?.additionalPrinterColumns.length ?? 0) > 0);
      for (const c of v?.additionalPrinterColumns ?? []) assert.match(c.jsonPath, /^\./, `${kind} column ${c.name}`);
    }
  });
});

describe('kindSchema', () => {
  it('gives every field a description, so kubectl explain teaches the API', () => {
    for (const kind of kindNames) {
      walk(kindSchema(kind), (node, path) => {
        // ObjectMeta is the API server's: a CRD may not even describe it.
        if (path === 'metadata' || path === '') return;
        // List items and map values are described by the field that holds them.
        if (path.endsWith('[]') || path.endsWith('{}')) return;
        assert.ok(node.description && node.description.length > 0, `${kind} ${path} has no description`);
      });
    }
  });

  it('keeps the schema of a kind down to what a CRD allows for apiVersion, kind and metadata', () => {
    const { properties, required } = kindSchema('PowerTool');
    assert.deepEqual(properties?.metadata, { type: 'object' });
    assert.equal(properties?.apiVersion?.type, 'string');
    assert.equal(properties?.kind?.type, 'string');
    assert.deepEqual(required, ['spec']);
  });

  it('turns the int-or-string union into x-kubernetes-int-or-string, keeping the string bound', () => {
    const min = kindSchema('PowerToolConfig').properties?.spec?.properties?.parameters?.items?.properties?.min;
    assert.equal(min?.['x-kubernetes-int-or-string'], true);
    assert.equal(min?.maxLength, 64);
    assert.equal(min?.anyOf, undefined);
    assert.equal(min?.type, undefined);
  });

  it('keeps x-kubernetes-preserve-unknown-fields where the zod meta asks for it, with no value schema', () => {
    const result = kindSchema('PowerTool').properties?.status?.properties?.targets?.items?.properties?.result;
    assert.deepEqual(result, { description: result?.description, type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('has defaults that are valid against their own field', () => {
    for (const kind of kindNames) {
      walk(kindSchema(kind), (node, path) => {
        if (node.default === undefined) return;
        const validate = ajvValidatorFor({ ...node, default: undefined });
        assert.ok(validate(node.default), `${kind} ${path} default ${JSON.stringify(node.default)}: ${JSON.stringify(validate.errors)}`);
      });
    }
  });
});

describe('CEL rules in the CRD schemas', () => {
  it('type-check against the schema they sit on', () => {
    for (const kind of kindNames) assert.deepEqual(compileErrors(kindSchema(kind)), [], kind);
  });

  it('are all carried over from the zod meta', () => {
    for (const kind of kindNames) {
      const declared = JSON.stringify(z.toJSONSchema(kinds[kind].schema, { io: 'input' })).match(/"rule":/g)?.length ?? 0;
      let generated = 0;
      walk(kindSchema(kind), (node) => (generated += rulesOf(node).length));
      assert.ok(declared > 0, kind);
      assert.equal(generated, declared, kind);
    }
  });

  // The API server refuses a CRD whose rules' estimated cost is too high; the estimate uses maxLength and maxItems.
  // Unbounded strings and lists under a rule make it explode, so every field a rule names must be bounded.
  it('only read strings and lists that have a maxLength (or enum) or maxItems', () => {
    const methods = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'size', 'startsWith', 'endsWith', 'contains', 'matches']);
    for (const kind of kindNames) {
      walk(kindSchema(kind), (node, path) => {
        for (const { rule } of rulesOf(node)) {
          const fields = [...rule.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string).filter((f) => !methods.has(f));
          walk(
            node,
            (child, childPath) => {
              const name = childPath.split('.').pop()?.replace(/\[\]$/, '');
              if (!name || !fields.includes(name)) return;
              const bounded =
                child.type === 'string'
                  ? child.maxLength !== undefined || child.enum !== undefined
                  : child.type === 'array'
                    ? child.maxItems !== undefined
                    : true;
              assert.ok(bounded, `${kind} ${path}: rule "${rule}" reads ${childPath || name}, which has no bound`);
            },
            path,
          );
        }
      });
    }
  });
});
