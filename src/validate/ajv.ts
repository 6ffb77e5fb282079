import AjvDraft04 from 'ajv-draft-04';
import addFormatsPlugin from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { kindSchema, type SchemaNode } from '../api/crd.ts';
import type { KindName } from '../api/index.ts';
import { fieldPath, type FieldError } from './field-error.ts';

/**
 * The generated CRD schemas compiled with ajv (OpenAPI v3 schemas are close to JSON Schema draft 4). This is a
 * second, independent reading of the schemas: a test requires it to agree with zod, so a CRD that drifts from the
 * zod schemas it came from shows up without a cluster. CEL rules are out of its reach (see cel.ts).
 */

// CommonJS modules: under NodeNext their ESM default import is module.exports, which carries the class as .default.
const Ajv = AjvDraft04.default;
const addFormats = addFormatsPlugin.default;

// Kubernetes vendor extensions. ajv stays strict, so each must be declared; none but int-or-string changes what
// a value may be, and that one is translated to plain JSON Schema below.
const KUBERNETES_KEYWORDS = [
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
];

/** A copy of the schema with x-kubernetes-int-or-string spelt as JSON Schema: integer or string. */
function forAjv(node: SchemaNode): SchemaNode {
  const out: SchemaNode = { ...node };
  if (node['x-kubernetes-int-or-string'] === true) out.type = ['integer', 'string'] as unknown as string;
  if (node.properties) out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, forAjv(v)]));
  if (node.items) out.items = forAjv(node.items);
  if (typeof node.additionalProperties === 'object') out.additionalProperties = forAjv(node.additionalProperties);
  return out;
}

function newAjv(): InstanceType<typeof Ajv> {
  // allowUnionTypes admits exactly the int-or-string union; everything else stays under strict mode.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const keyword of KUBERNETES_KEYWORDS) ajv.addKeyword({ keyword });
  return ajv;
}

let ajv: InstanceType<typeof Ajv> | undefined;
const validators = new Map<KindName, ValidateFunction>();

/** The compiled validator of a kind's CRD schema (compiled once). */
export function ajvValidator(kind: KindName): ValidateFunction {
  const cached = validators.get(kind);
  if (cached) return cached;
  ajv ??= newAjv();
  const validate = ajv.compile(forAjv(kindSchema(kind)));
  validators.set(kind, validate);
  return validate;
}

/** A validator for any one node of a generated schema (tests use it to check a CRD's defaults). */
export function ajvValidatorFor(node: SchemaNode): ValidateFunction {
  ajv ??= newAjv();
  return ajv.compile(forAjv(node));
}

/** The segments of a JSON pointer: `/spec/tool/args/1` -> ['spec', 'tool', 'args', 1]. */
function segments(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
}

/** The schema errors ajv finds in a document of this kind; empty when it is valid. */
export function ajvErrors(kind: KindName, document: unknown): FieldError[] {
  const validate = ajvValidator(kind);
  if (validate(document)) return [];
  const schema = kindSchema(kind);
  return (validate.errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : undefined;
    return missing
      ? { path: fieldPath([...segments(e.instancePath), missing], schema), message: 'Required value' }
      : { path: fieldPath(segments(e.instancePath), schema), message: e.message ?? e.keyword };
  });
}
