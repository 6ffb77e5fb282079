/**
 * Error values and their wording. Every refusal names the argument, the reason and what is allowed, in the shape
 * kubectl prints field errors: `spec.tool.args[3]: "--freq=999999": 999999 is above the maximum 10000 for --freq
 * (integer, 1..10000)`.
 */
import { signalNames, type Parameter } from '../api/powertoolconfig.ts';

export interface ArgError {
  /** The field the error is about: `spec.tool.args[3]`, or the args list itself for what is missing. */
  path: string;
  message: string;
}

const QUOTE_LIMIT = 80;

/**
 * Quotes user text for a message. Everything outside printable ASCII is escaped (`\u202E`), so a hostile argument
 * cannot reorder, hide or fake text in a terminal or log, and a look-alike (`\uFF46req`) shows what it is.
 */
export function quote(text: string): string {
  let out = '';
  let count = 0;
  for (const ch of text) {
    if (count === QUOTE_LIMIT) return `"${out}…"`;
    count += 1;
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += `\\u{${cp.toString(16).toUpperCase()}}`;
  }
  return `"${out}"`;
}

/** A flag name as typed: plain when it is short printable ASCII, quoted and escaped otherwise. */
export function shown(name: string): string {
  return /^[\x21-\x7e]{1,64}$/.test(name) && !name.includes('"') ? name : quote(name);
}

/** How a parameter is named in messages: its flag, or `<name>` for a positional. */
export function label(param: Parameter): string {
  return param.flag ?? `<${param.name}>`;
}

/** The flags a user may pass, for "unknown flag" messages. */
export function allowedFlags(params: readonly Parameter[]): string {
  const flags = params.filter((p) => p.flag !== undefined).map((p) => (p.short ? `${p.flag} (${p.short})` : `${p.flag}`));
  return flags.length === 0 ? 'this tool accepts no flags' : `allowed flags: ${flags.join(', ')}`;
}

function range(min: unknown, max: unknown): string {
  if (min !== undefined && max !== undefined) return `${min}..${max}`;
  if (min !== undefined) return `at least ${min}`;
  if (max !== undefined) return `at most ${max}`;
  return '';
}

function joined(...parts: string[]): string {
  return parts.filter((p) => p !== '').join(', ');
}

/** What a parameter allows, in a few words: `integer, 1..10000`. */
export function allowed(param: Parameter): string {
  switch (param.type) {
    case 'boolean':
      return `boolean: ${param.flag ?? ''} or ${param.flag ?? ''}=false`;
    case 'integer':
      return joined('integer', range(param.min, param.max));
    case 'percent':
      return joined('percent, a whole number without %', range(param.min ?? 0, param.max ?? 100));
    case 'string':
      return joined(
        'string',
        param.pattern === undefined ? '' : `matching ^(?:${param.pattern})$`,
        param.maxLength === undefined ? '' : `at most ${param.maxLength} characters`,
      );
    case 'enum':
      return `one of ${(param.values ?? []).join(', ')}`;
    case 'duration':
      return joined('duration such as 30s, 5m or 1h', range(param.min, param.max));
    case 'quantity':
      return joined('quantity such as 512Mi or 2G', range(param.min, param.max));
    case 'signal':
      return `signal, one of ${(param.values ?? signalNames).join(', ')}`;
    case 'path':
      return `absolute path under ${(param.roots ?? []).join(' or ')}`;
  }
}

/** A refused value: `"--freq=0": 0 is below the minimum 1 for --freq (integer, 1..10000)`. */
export function valueError(path: string, written: string, reason: string, param: Parameter): ArgError {
  return { path, message: `${quote(written)}: ${reason} for ${label(param)} (${allowed(param)})` };
}

/** A refused argument whose problem is not its value. */
export function argError(path: string, written: string, reason: string): ArgError {
  return { path, message: `${quote(written)}: ${reason}` };
}
