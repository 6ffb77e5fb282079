import type { SchemaNode } from '../api/crd.ts';

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

const QUOTE_LIMIT = 80;

/**
 * A value for a message: JSON, cut short so a huge value cannot flood the output, and with everything outside
 * printable ASCII escaped so a hostile value cannot reorder or fake text in a terminal (bidi controls, escapes).
 */
export function quote(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  const text = json.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 3)}...` : text;
}
