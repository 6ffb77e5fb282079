import { z } from 'zod';
import { stringify } from 'yaml';
import { GROUP, VERSION, type CrdPresentation } from './meta.ts';
import { kinds, type KindName } from './index.ts';

/**
 * zod -> CustomResourceDefinition. The zod schemas are the one source; this turns each into the structural
 * OpenAPI v3 schema the API server wants (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/
 * custom-resource-definitions/#specifying-a-structural-schema) and wraps it with the kind's presentation.
 */

/** One node of an OpenAPI v3 schema as a CRD carries it. */
export interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  required?: string[];
  enum?: unknown[];
  anyOf?: SchemaNode[];
  [keyword: string]: unknown;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: SchemaNode };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: CrdPresentation['printerColumns'];
    }[];
  };
}

// zod writes the bounds of a JS safe integer on every z.number().int(); they mean nothing to the API server
// (which stores int64) and would only confuse `kubectl explain`.
const JS_SAFE_BOUND = Number.MAX_SAFE_INTEGER;

/** Rewrites one node zod emitted into its structural form; called by toJSONSchema for every node. */
function toStructural(node: SchemaNode): void {
  delete node.$schema;
  if (node.minimum === -JS_SAFE_BOUND) delete node.minimum;
  if (node.maximum === JS_SAFE_BOUND) delete node.maximum;
  if ('const' in node) {
    node.enum = [node.const];
    delete node.const;
  }
  // Structural schemas forbid `type` inside anyOf except in the exact bare int-or-string pattern, so the
  // branches' own bounds (maxLength on the string side) are hoisted: JSON Schema applies each keyword only to
  // values of its own type, so the meaning is kept.
  if (node['x-kubernetes-int-or-string'] === true && node.anyOf) {
    for (const branch of node.anyOf) {
      toStructural(branch);
      for (const [key, value] of Object.entries(branch)) if (key !== 'type') node[key] = value;
    }
    delete node.anyOf;
    delete node.type;
  }
  // A structural schema prunes unknown fields by itself; `additionalProperties` is kept only for maps with a
  // typed value. Objects that keep arbitrary content say so with x-kubernetes-preserve-unknown-fields instead.
  const extra = node.additionalProperties;
  if (extra === false || (typeof extra === 'object' && extra.type === undefined)) delete node.additionalProperties;
}

/** The structural OpenAPI v3 schema of one zod object schema. */
export function openApiSchema(schema: z.ZodType): SchemaNode {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    reused: 'inline',
    cycles: 'throw',
    override: ({ jsonSchema }) => toStructural(jsonSchema as SchemaNode),
  }) as SchemaNode;
  toStructural(json);
  return canonical(json);
}

const FIRST = ['description', 'type'];
const LAST = ['required', 'items', 'additionalProperties', 'properties'];

/** The same node with its keys in one stable order, so that a change to a schema is a small diff in crds/. */
function canonical(node: SchemaNode): SchemaNode {
  const rank = (key: string): number => (FIRST.includes(key) ? FIRST.indexOf(key) - FIRST.length : LAST.indexOf(key) + 1);
  const keys = Object.keys(node).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const out: SchemaNode = {};
  for (const key of keys) {
    const value = node[key];
    if (key === 'properties') out.properties = Object.fromEntries(Object.entries(node.properties ?? {}).map(([k, v]) => [k, canonical(v)]));
    else if ((key === 'items' || key === 'additionalProperties') && typeof value === 'object') out[key] = canonical(value as SchemaNode);
    else out[key] = value;
  }
  return out;
}

/**
 * The schema of a whole object of a kind. apiVersion, kind and metadata belong to the API server: it routes by
 * the first two and validates ObjectMeta itself, and a CRD may only declare metadata as `type: object`.
 */
export function kindSchema(kind: KindName): SchemaNode {
  const root = openApiSchema(kinds[kind].schema);
  const properties = root.properties ?? {};
  const header = (name: 'apiVersion' | 'kind'): SchemaNode => ({ description: properties[name]?.description ?? '', type: 'string' });
  root.properties = { ...properties, apiVersion: header('apiVersion'), kind: header('kind'), metadata: { type: 'object' } };
  root.required = (root.required ?? []).filter((name) => !['apiVersion', 'kind', 'metadata'].includes(name));
  return root;
}

export function customResourceDefinition(kind: KindName): CustomResourceDefinition {
  const p = kinds[kind].presentation;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${p.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: { kind, listKind: `${kind}List`, plural: p.plural, singular: p.singular, shortNames: p.shortNames, categories: p.categories },
      scope: p.scope ?? 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: kindSchema(kind) },
          subresources: { status: {} },
          additionalPrinterColumns: p.printerColumns,
        },
      ],
    },
  };
}

export const GENERATED_HEADER = '# generated by npm run gen:crds; do not edit\n';

/** Every CRD as the file it is written to under crds/, in the order of `kinds`. */
export function crdFiles(): { file: string; text: string }[] {
  return (Object.keys(kinds) as KindName[]).map((kind) => {
    const crd = customResourceDefinition(kind);
    return { file: `${crd.metadata.name}.yaml`, text: GENERATED_HEADER + stringify(crd, { lineWidth: 0 }) };
  });
}
