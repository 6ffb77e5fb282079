/**
 * JSON Schema (as Ollama receives it in `format`) → the subset node-llama-cpp turns into a grammar. Ollama does
 * the same conversion for llama.cpp; this one covers what TOE sends: objects, arrays with item bounds, strings
 * with length bounds, enums, booleans, numbers. node-llama-cpp's grammar has no numeric bounds, so a number
 * bounded on both sides becomes an enum of 21 evenly spaced values (0, 0.05, …, 1 for a confidence): coarser
 * than a real server, and still inside the range the schema promises. Long strings are capped (see MAX_STRING).
 */
import type { GbnfJsonSchema } from 'node-llama-cpp';

export class UnsupportedSchema extends Error {}

/**
 * llama.cpp refuses grammars whose expanded repetitions pass a fixed threshold ("exceeds sane defaults"), and a
 * `{1,2000}` string is past it; shorter strings still satisfy the schema.
 */
const MAX_STRING = 200;

type Schema = Record<string, unknown>;

function bounded(min: number, max: number, integer: boolean): GbnfJsonSchema {
  if (integer) {
    if (max - min > 200) return { type: 'integer' };
    return { enum: Array.from({ length: max - min + 1 }, (_, i) => min + i) };
  }
  return { enum: Array.from({ length: 21 }, (_, i) => Math.round((min + ((max - min) * i) / 20) * 1e6) / 1e6) };
}

export function toGbnfSchema(schema: unknown, path = '$'): GbnfJsonSchema {
  if (schema === true || schema === undefined) return { type: ['string', 'number', 'boolean', 'null'] };
  if (typeof schema !== 'object' || schema === null) throw new UnsupportedSchema(`${path}: not a schema`);
  const s = schema as Schema;
  if (Array.isArray(s.enum)) return { enum: s.enum as (string | number | boolean | null)[] };
  if ('const' in s) return { const: s.const as string | number | boolean | null };
  const alternatives = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) return { oneOf: alternatives.map((a, i) => toGbnfSchema(a, `${path}.anyOf[${i}]`)) };
  switch (s.type) {
    case 'object': {
      const properties = Object.fromEntries(
        Object.entries((s.properties ?? {}) as Schema).map(([k, v]) => [k, toGbnfSchema(v, `${path}.${k}`)]),
      );
      return { type: 'object', properties, additionalProperties: false };
    }
    case 'array':
      return {
        type: 'array',
        items: toGbnfSchema(s.items, `${path}[]`),
        ...(typeof s.minItems === 'number' ? { minItems: s.minItems } : {}),
        ...(typeof s.maxItems === 'number' ? { maxItems: s.maxItems } : {}),
      };
    case 'string':
      return {
        type: 'string',
        ...(typeof s.minLength === 'number' ? { minLength: s.minLength } : {}),
        ...(typeof s.maxLength === 'number' ? { maxLength: Math.min(s.maxLength, MAX_STRING) } : {}),
      };
    case 'number':
    case 'integer':
      if (typeof s.minimum === 'number' && typeof s.maximum === 'number') return bounded(s.minimum, s.maximum, s.type === 'integer');
      return { type: s.type };
    case 'boolean':
    case 'null':
      return { type: s.type };
    default:
      throw new UnsupportedSchema(`${path}: type ${JSON.stringify(s.type)} is not supported`);
  }
}
