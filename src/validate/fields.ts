import type { SchemaNode } from '../api/crd.ts';
import { childPath, type FieldError } from './field-error.ts';

/**
 * Fields the schema does not know. The API server prunes them, and `kubectl apply` (strict field validation, the
 * default since Kubernetes 1.27) refuses the object instead; zod strips them silently. Either way a misspelt
 * field would be lost, so `toe validate` names it.
 */
export function unknownFields(node: SchemaNode, value: unknown, path = ''): FieldError[] {
  if (value === null || typeof value !== 'object' || node['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value)) {
    if (!node.items) return [];
    return value.flatMap((item, i) => unknownFields(node.items as SchemaNode, item, childPath(path, i)));
  }
  const extra = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  // An object schema with neither properties nor a value type (metadata) is checked by the API server itself.
  if (!node.properties && !extra) return [];
  const out: FieldError[] = [];
  for (const [key, child] of Object.entries(value)) {
    const property = node.properties?.[key];
    if (property) out.push(...unknownFields(property, child, childPath(path, key)));
    else if (extra) out.push(...unknownFields(extra, child, childPath(path, key, true)));
    else out.push({ path: childPath(path, key), message: `Unknown field: allowed here: ${Object.keys(node.properties ?? {}).join(', ')}` });
  }
  return out;
}
