import type { SchemaNode } from '../api/crd.ts';
import { quote as quoteText } from '../allowlist/errors.ts';

/** One problem with one field of a document, kubectl style: `spec.tool.args[1]` and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

/** The path of a child field: `.name` for a property, `[i]` for a list item, `[key]` for a map entry. */
export function childPath(parent: string, key: string | number, isMapKey = false): string {
  if (typeof key === 'number' || isMapKey) return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * The path of a field from its segments. With the schema, a key of a map (a field whose schema has
 * additionalProperties) is written `[key]`, so that `metadata.labels[app.kubernetes.io/name]` stays one key.
 */
export function fieldPath(segments: readonly (string | number)[], schema?: SchemaNode): string {
  let node = schema;
  let path = '';
  for (const key of segments) {
    if (typeof key === 'number') {
      path = childPath(path, key);
      node = node?.items;
    } else if (node?.properties?.[key]) {
      path = childPath(path, key);
      node = node.properties[key];
    } else if (typeof node?.additionalProperties === 'object') {
      path = childPath(path, key, true);
      node = node.additionalProperties;
    } else {
      path = childPath(path, key);
      node = undefined;
    }
  }
  return path;
}

/**
 * A value for a message. Text is quoted by the one rule every TOE message uses (src/allowlist/errors.ts: printable
 * ASCII only, cut at 80 characters); numbers, booleans and null as they are; anything else as its JSON, quoted.
 */
export function quote(value: unknown): string {
  if (typeof value === 'string') return quoteText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return quoteText(JSON.stringify(value) ?? String(value));
}
