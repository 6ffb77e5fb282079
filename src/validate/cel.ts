import { Environment } from '@marcbachmann/cel-js';
import type { SchemaNode } from '../api/crd.ts';
import { childPath, type FieldError } from './field-error.ts';

/**
 * The CEL rules (x-kubernetes-validations) of the generated schemas, checked offline. The API server is the
 * authority; running the same rules here lets `toe validate` refuse what `kubectl apply` would, and lets the CRD
 * test type-check each rule against the schema it sits on (a misspelt field fails here, not at install time).
 */
export interface CelRule {
  rule: string;
  message?: string;
}

export function rulesOf(node: SchemaNode): CelRule[] {
  const rules = node['x-kubernetes-validations'];
  return Array.isArray(rules) ? (rules as CelRule[]) : [];
}

const environments = new WeakMap<SchemaNode, Environment>();

/** An environment where `self` (and `oldSelf`, for transition rules) has the type the schema gives the node. */
function environmentFor(node: SchemaNode): Environment {
  const cached = environments.get(node);
  if (cached) return cached;
  const env = new Environment();
  let count = 0;
  // Kubernetes maps OpenAPI types to CEL types this way (int-or-string and unknown fields stay dynamic).
  const typeOf = (n: SchemaNode): string => {
    if (n['x-kubernetes-int-or-string'] === true || n['x-kubernetes-preserve-unknown-fields'] === true) return 'dyn';
    switch (n.type) {
      case 'string':
        return 'string';
      case 'integer':
        return 'int';
      case 'number':
        return 'double';
      case 'boolean':
        return 'bool';
      case 'array':
        return `list<${n.items ? typeOf(n.items) : 'dyn'}>`;
      case 'object': {
        if (typeof n.additionalProperties === 'object') return `map<string, ${typeOf(n.additionalProperties)}>`;
        const fields = Object.fromEntries(Object.entries(n.properties ?? {}).map(([k, v]) => [k, typeOf(v)]));
        const name = `Object${++count}`;
        env.registerType(name, { fields });
        return name;
      }
      default:
        return 'dyn';
    }
  };
  const self = typeOf(node);
  env.registerVariable('self', self).registerVariable('oldSelf', self);
  environments.set(node, env);
  return env;
}

/** Type-checks every rule in the schema; returns the rules that would not compile, by schema path. */
export function compileErrors(root: SchemaNode): { path: string; rule: string; message: string }[] {
  const out: { path: string; rule: string; message: string }[] = [];
  walkSchema(root, '', (node, path) => {
    for (const { rule } of rulesOf(node)) {
      const result = environmentFor(node).check(rule);
      if (!result.valid) out.push({ path, rule, message: result.error?.message ?? 'does not type-check' });
    }
  });
  return out;
}

function walkSchema(node: SchemaNode, path: string, visit: (node: SchemaNode, path: string) => void): void {
  visit(node, path);
  for (const [k, v] of Object.entries(node.properties ?? {})) walkSchema(v, path ? `${path}.${k}` : k, visit);
  if (node.items) walkSchema(node.items, `${path}[]`, visit);
  if (typeof node.additionalProperties === 'object') walkSchema(node.additionalProperties, `${path}{}`, visit);
}

/** CEL integers are 64-bit; the evaluator wants them as bigint where the schema says integer. */
function toCel(node: SchemaNode, value: unknown): unknown {
  if (node.type === 'integer' && typeof value === 'number') return BigInt(value);
  if (Array.isArray(value)) return value.map((v) => (node.items ? toCel(node.items, v) : v));
  if (value !== null && typeof value === 'object') {
    const extra = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        const child = node.properties?.[k] ?? extra;
        return [k, child ? toCel(child, v) : v];
      }),
    );
  }
  return value;
}

/**
 * Evaluates the rules against an object, as the API server does after defaulting: pass the object with its
 * defaults applied (zod's parse output). Errors carry the path of the node the rule sits on.
 */
export function ruleErrors(root: SchemaNode, value: unknown, path = ''): FieldError[] {
  const out: FieldError[] = [];
  if (value === undefined || value === null) return out;
  for (const { rule, message } of rulesOf(root)) {
    try {
      if (environmentFor(root).evaluate(rule, { self: toCel(root, value) }) !== true) {
        // The API server's wording, so that `toe validate` and `kubectl apply` read alike.
        out.push({ path, message: `Invalid value: "${root.type ?? 'object'}": ${message ?? `failed rule: ${rule}`}` });
      }
    } catch (err) {
      out.push({ path, message: `rule ${rule} could not be evaluated: ${(err as Error).message}` });
    }
  }
  if (Array.isArray(value) && root.items) {
    value.forEach((item, i) => out.push(...ruleErrors(root.items as SchemaNode, item, childPath(path, i))));
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    const extra = typeof root.additionalProperties === 'object' ? root.additionalProperties : undefined;
    for (const [k, v] of Object.entries(value)) {
      const property = root.properties?.[k];
      if (property) out.push(...ruleErrors(property, v, childPath(path, k)));
      else if (extra) out.push(...ruleErrors(extra, v, childPath(path, k, true)));
    }
  }
  return out;
}
