import { z } from 'zod';
import { API_VERSION, DURATION_PATTERN, QUANTITY_PATTERN, dnsLabel, dnsSubdomain, kinds, type KindName } from '../api/index.ts';
import { kindSchema, type SchemaNode } from '../api/crd.ts';
import { ruleErrors } from './cel.ts';
import { fieldPath, quote, type FieldError } from './field-error.ts';
import { unknownFields } from './fields.ts';

/** A document against the schema of its kind: zod first, then unknown fields and the CEL rules. */

export const KIND_NAMES = Object.keys(kinds) as KindName[];

/** The kind a document claims, or the error naming what is allowed. */
export function kindOf(value: unknown): { kind: KindName } | { error: FieldError } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: { path: '', message: `a document must be a mapping with apiVersion and kind, not ${describeType(value)}` } };
  }
  const { apiVersion, kind } = value as { apiVersion?: unknown; kind?: unknown };
  const allowed = `toe validate checks ${API_VERSION} ${KIND_NAMES.join(', ')}`;
  if (apiVersion === undefined) return { error: { path: 'apiVersion', message: `Required value: ${allowed}` } };
  if (kind === undefined) return { error: { path: 'kind', message: `Required value: ${allowed}` } };
  if (apiVersion !== API_VERSION) return { error: { path: 'apiVersion', message: `Unsupported value: ${quote(apiVersion)}: ${allowed}` } };
  if (typeof kind !== 'string' || !KIND_NAMES.includes(kind as KindName)) {
    return {
      error: {
        path: 'kind',
        message: `Unsupported value: ${quote(kind)}: supported values: ${KIND_NAMES.map((k) => `"${k}"`).join(', ')}`,
      },
    };
  }
  return { kind: kind as KindName };
}

export interface SchemaResult<T = unknown> {
  errors: FieldError[];
  /** The object with defaults applied, as the API server would store it; present when the schema is satisfied. */
  object?: T;
}

/** Checks a document of a known kind: field types and bounds (zod), unknown fields, then the CEL rules. */
export function schemaErrors(kind: KindName, value: unknown): SchemaResult {
  const structural = kindSchema(kind);
  const unknown = unknownFields(structural, value);
  const parsed = kinds[kind].schema.safeParse(value, { reportInput: true });
  if (!parsed.success) return { errors: [...dedupe(parsed.error.issues.map((i) => issueToError(i, structural))), ...unknown] };
  const rules = ruleErrors(structural, parsed.data);
  const errors = [...unknown, ...rules];
  return errors.length === 0 ? { errors, object: parsed.data } : { errors };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(`${e.path}\n${e.message}`) && seen.add(`${e.path}\n${e.message}`));
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

const typeWords: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

// Patterns people meet often get words; any other pattern is shown as is.
const patternWords = new Map<string, string>([
  [DURATION_PATTERN, 'a Go-style duration such as "30s", "5m" or "1h30m"'],
  [QUANTITY_PATTERN, 'a quantity such as "500m", "128Mi" or "2G"'],
  [
    z.toJSONSchema(dnsLabel).pattern as string,
    'a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
  ],
  [z.toJSONSchema(dnsSubdomain).pattern as string, 'a DNS-1123 subdomain: lower-case letters, digits, "-" and "."'],
]);

type Issue = z.core.$ZodIssue & { input?: unknown };

/** One zod issue in kubectl's words: `Required value`, `Unsupported value: "x": supported values: ...`. */
export function issueToError(issue: Issue, schema?: SchemaNode): FieldError {
  const segments = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  return { path: fieldPath(segments, schema), message: issueMessage(issue) };
}

function issueMessage(issue: Issue): string {
  const input = quote(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Required value';
      return `Invalid value: ${input}: must be ${typeWords[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      if (issue.values.length === 1) return `Invalid value: ${input}: must be ${quote(issue.values[0])}`;
      return `Unsupported value: ${input}: supported values: ${issue.values.map((v) => quote(v)).join(', ')}`;
    case 'too_big':
      if (issue.origin === 'string') return `Too long: ${input}: may not be more than ${issue.maximum} characters`;
      if (issue.origin === 'array') return `Too many: ${(issue.input as unknown[]).length}: must have at most ${issue.maximum} items`;
      return `Invalid value: ${input}: must be less than or equal to ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string') return `Invalid value: ${input}: must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `Invalid value: ${(issue.input as unknown[]).length} items: must have at least ${issue.minimum}`;
      return `Invalid value: ${input}: must be greater than or equal to ${issue.minimum}`;
    case 'invalid_format': {
      const pattern = 'pattern' in issue && typeof issue.pattern === 'string' ? issue.pattern.replace(/^\/(.*)\/[a-z]*$/, '$1') : undefined;
      const words = pattern === undefined ? undefined : patternWords.get(pattern);
      if (words) return `Invalid value: ${input}: must be ${words}`;
      return `Invalid value: ${input}: must match ${pattern ?? issue.format}`;
    }
    case 'invalid_union':
      // The only unions in the API are int-or-string bounds.
      return `Invalid value: ${input}: must be an integer or a string`;
    default:
      return `Invalid value: ${input}: ${issue.message}`;
  }
}
