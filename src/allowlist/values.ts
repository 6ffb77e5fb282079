/**
 * One checker per parameter type: the text a user wrote in, a canonical value out, or the reason it is refused.
 *
 * Each checker accepts one spelling per value wherever a second one could mean something else to a tool, and the
 * canonical value re-serialises to text the same checker accepts again (the round trip the property test proves).
 * The reasons follow the quoted argument in a message, so they say what is wrong with the value, not which flag.
 */
import { signalNames, type Parameter } from '../api/powertoolconfig.ts';
import { formatDuration, parseDuration, parseQuantity } from '../api/units.ts';
import { characterCount } from './characters.ts';
import { quote } from './errors.ts';
import { pathProblem } from './path.ts';

/** A canonical parsed value: booleans, integers and percents as such, everything else as its canonical text. */
export type ArgValue = string | number | boolean;
export type Checked = { ok: true; value: ArgValue } | { ok: false; reason: string };

const ok = (value: ArgValue): Checked => ({ ok: true, value });
const no = (reason: string): Checked => ({ ok: false, reason });

/** Decimal only: `010` is octal to strtol(…, 0) and `0x10` hex, so one tool could read 8 where TOE checked 10. */
const INTEGER = /^(0|-?[1-9][0-9]*)$/;

function integerSyntax(raw: string): string {
  if (/^\s|\s$/.test(raw)) return `${quote(raw)} has leading or trailing whitespace`;
  if (raw.startsWith('+')) return 'a leading + is not allowed';
  if (/^-?0[xXoObB]/.test(raw)) return 'hexadecimal, octal and binary forms are not allowed; write a decimal integer';
  if (raw === '-0') return '-0 is not allowed; write 0';
  if (/^-?0[0-9]/.test(raw)) return 'leading zeros are not allowed (010 reads as octal to some tools)';
  if (/^-?[0-9]*\.[0-9]*$/.test(raw) && /[0-9]/.test(raw)) return `${quote(raw)} is not a whole number`;
  if (/^-?[0-9.]+[eE][+-]?[0-9]+$/.test(raw)) return 'exponent notation is not allowed; write the digits';
  return `${quote(raw)} is not an integer`;
}

function bounded<T extends number>(n: T, min: T | undefined, max: T | undefined, show: (n: T) => string): string | undefined {
  if (min !== undefined && n < min) return `${show(n)} is below the minimum ${show(min)}`;
  if (max !== undefined && n > max) return `${show(n)} is above the maximum ${show(max)}`;
  return undefined;
}

export function checkInteger(raw: string, min?: number, max?: number): Checked {
  if (!INTEGER.test(raw)) return no(integerSyntax(raw));
  const n = Number(raw);
  if (!Number.isSafeInteger(n))
    return no(`${quote(raw)} is beyond the exactly representable integers (-${Number.MAX_SAFE_INTEGER}..${Number.MAX_SAFE_INTEGER})`);
  const out = bounded(n, min, max, String);
  return out === undefined ? ok(n) : no(out);
}

/** Bare whole numbers only: `80` and `80%` mean different things to some tools (stress-ng reads 80 as bytes). */
export function checkPercent(raw: string, min = 0, max = 100): Checked {
  if (raw.endsWith('%')) return no(`write ${quote(raw.slice(0, -1))} without the %`);
  return checkInteger(raw, min, max);
}

export function checkBoolean(raw: string): Checked {
  if (raw === 'true') return ok(true);
  if (raw === 'false') return ok(false);
  return no(`${quote(raw)} is not true or false`);
}

/** The largest duration whose canonical text still fits the 6-digit parts of the duration syntax. */
export const MAX_DURATION_MS = 999_999 * 3_600_000;
const units = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
] as const;

/**
 * One number and the largest unit that states the duration exactly (90s stays 90s, 60s becomes 1m, 1h30m becomes
 * 90m): timeout(1) and stress-ng take one number and one unit, not Go's compound "1m30s". Falls back to the
 * compound form only when a single unit would need more than six digits.
 */
export function canonicalDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [unit, size] of units) {
    if (ms % size === 0 && ms / size <= 999_999) return `${ms / size}${unit}`;
  }
  return formatDuration(ms);
}

export function checkDuration(raw: string, min?: string, max?: string): Checked {
  const ms = parseDuration(raw);
  if (ms === undefined) {
    if (/^[0-9]+$/.test(raw)) return no(`${quote(raw)} has no unit (ms, s, m or h)`);
    if (raw.startsWith('-')) return no('negative durations are not allowed');
    return no(`${quote(raw)} is not a duration (whole numbers with ms, s, m or h, such as 30s or 1h30m)`);
  }
  if (ms > MAX_DURATION_MS) return no(`${quote(raw)} is longer than 999999h`);
  const out = bounded(
    ms,
    min === undefined ? undefined : parseDuration(min),
    max === undefined ? undefined : parseDuration(max),
    canonicalDuration,
  );
  return out === undefined ? ok(canonicalDuration(ms)) : no(out);
}

/** The same quantity without leading zeros or trailing fractional zeros ("007.50Mi" -> "7.5Mi"); the suffix stays. */
export function canonicalQuantity(text: string): string {
  const m = /^([0-9]+)(?:\.([0-9]*))?(.*)$/.exec(text) as RegExpExecArray;
  const whole = (m[1] as string).replace(/^0+(?=[0-9])/, '');
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return `${whole}${fraction === '' ? '' : `.${fraction}`}${m[3] ?? ''}`;
}

export function checkQuantity(raw: string, min?: string, max?: string): Checked {
  const n = parseQuantity(raw);
  if (n === undefined) {
    if (raw.startsWith('-')) return no('negative quantities are not allowed');
    return no(`${quote(raw)} is not a quantity (a number with an optional suffix Ki, Mi, Gi, Ti, Pi, k, M, G, T, P or m)`);
  }
  const lo = min === undefined ? undefined : parseQuantity(min);
  const hi = max === undefined ? undefined : parseQuantity(max);
  if (lo !== undefined && n < lo) return no(`${canonicalQuantity(raw)} is below the minimum ${min}`);
  if (hi !== undefined && n > hi) return no(`${canonicalQuantity(raw)} is above the maximum ${max}`);
  return ok(canonicalQuantity(raw));
}

export function checkString(raw: string, pattern?: RegExp, maxLength?: number): Checked {
  const length = characterCount(raw);
  if (maxLength !== undefined && length > maxLength) return no(`the value is ${length} characters, above the maximum ${maxLength}`);
  if (pattern !== undefined && !pattern.test(raw)) return no(`${quote(raw)} does not match the pattern`);
  return ok(raw);
}

export function checkEnum(raw: string, values: readonly string[]): Checked {
  if (values.includes(raw)) return ok(raw);
  const folded = values.find((v) => v.toLowerCase() === raw.toLowerCase());
  return no(`${quote(raw)} is not an allowed value${folded === undefined ? '' : ` (values are case-sensitive: ${folded})`}`);
}

/**
 * Signal names, with or without SIG (TERM or SIGTERM), re-serialised as SIGTERM. Numbers are refused: they differ
 * between architectures (SIGUSR1 is 10 on x86 and 30 on Alpha and SPARC) and hide what is being sent.
 */
export function checkSignal(raw: string, values: readonly string[] = signalNames): Checked {
  const name = raw.startsWith('SIG') ? raw : `SIG${raw}`;
  if (/^[0-9]+$/.test(raw)) return no('signal numbers are not accepted (they differ between architectures); use a name');
  if (!(signalNames as readonly string[]).includes(name)) return no(`${quote(raw)} is not a signal TOE allows`);
  if (!values.includes(name)) return no(`${name} is not allowed here`);
  return ok(name);
}

export function checkPath(raw: string, roots: readonly string[]): Checked {
  const problem = pathProblem(raw, roots);
  return problem === undefined ? ok(raw) : no(problem);
}

/** Checks one value of a parameter; `pattern` is the compiled, anchored pattern of a string parameter. */
export function checkValue(param: Parameter, raw: string, pattern?: RegExp): Checked {
  if (raw === '') return no('the value is empty');
  const num = (b: unknown): number | undefined => (typeof b === 'number' ? b : undefined);
  const str = (b: unknown): string | undefined => (typeof b === 'string' ? b : undefined);
  switch (param.type) {
    case 'boolean':
      return checkBoolean(raw);
    case 'integer':
      return checkInteger(raw, num(param.min), num(param.max));
    case 'percent':
      return checkPercent(raw, num(param.min), num(param.max));
    case 'duration':
      return checkDuration(raw, str(param.min), str(param.max));
    case 'quantity':
      return checkQuantity(raw, str(param.min), str(param.max));
    case 'string':
      return checkString(raw, pattern, param.maxLength);
    case 'enum':
      return checkEnum(raw, param.values ?? []);
    case 'signal':
      return checkSignal(raw, param.values);
    case 'path':
      return checkPath(raw, param.roots ?? []);
  }
}

/** The text a canonical value is written as on the tool's command line. */
export function formatValue(value: ArgValue): string {
  return String(value);
}
