/**
 * The whole list: limits and characters first (cheap, and they decide whether a token can be read at all), then
 * parse, then per occurrence: not a second one of a single parameter, a valid value whose
 * canonical token still fits maxArgLength; then required parameters and defaults. The result is built only from
 * parsed values, never from the user's tokens.
 */
import type { Parameter } from '../api/powertoolconfig.ts';
import { characterCount, findForbiddenCharacter, forbiddenCharacterReason } from './characters.ts';
import { checkConfig, type AllowlistSpec } from './config.ts';
import { allowed, argError, label, quote, valueError, type ArgError } from './errors.ts';
import { flagsIn, parseArgs, type Occurrence } from './parse.ts';
import { anchoredPattern } from './pattern.ts';
import { flagToken, serialise } from './serialise.ts';
import { checkValue, formatValue, type ArgValue } from './values.ts';

export interface AdmittedArgs {
  /** What the tool gets after its command: spec.defaultArgs, then every parameter's values, defaults included. */
  argv: string[];
  /** The user's own arguments, re-serialised canonically (defaults not included); admitting it again gives the same. */
  userArgv: string[];
  /** Canonical values by parameter name, defaults applied; a boolean is always present ([false] when not passed). */
  values: Record<string, ArgValue[]>;
}
export type AdmitResult = { ok: true; admitted: AdmittedArgs } | { ok: false; errors: ArgError[] };

/** Limits and character rules per token; the tokens cannot be parsed safely until these pass. */
function checkTokens(spec: AllowlistSpec, args: readonly string[], argsPath: string): ArgError[] {
  const { maxArgs, maxArgLength } = spec.limits;
  if (args.length > maxArgs)
    return [
      {
        path: argsPath,
        message: `${args.length} arguments given; at most ${maxArgs} are allowed (spec.limits.maxArgs of the PowerToolConfig)`,
      },
    ];
  const errors: ArgError[] = [];
  args.forEach((arg, i) => {
    const path = `${argsPath}[${i}]`;
    const length = characterCount(arg);
    const bad = findForbiddenCharacter(arg);
    if (arg === '') errors.push({ path, message: 'an empty argument is not allowed' });
    else if (length > maxArgLength)
      errors.push(argError(path, arg, `the argument is ${length} characters, above the maximum ${maxArgLength}`));
    else if (bad !== undefined) errors.push(argError(path, arg, forbiddenCharacterReason(bad)));
  });
  return errors;
}

function compilePatterns(params: readonly Parameter[]): Map<string, RegExp> {
  const out = new Map<string, RegExp>();
  for (const p of params) if (p.pattern !== undefined) out.set(p.name, anchoredPattern(p.pattern));
  return out;
}

/** Checks each occurrence's value; a second occurrence of a single parameter is refused, naming the first. */
function readValues(
  spec: AllowlistSpec,
  occurrences: readonly Occurrence[],
  argsPath: string,
  errors: ArgError[],
): Map<string, ArgValue[]> {
  const patterns = compilePatterns(spec.parameters);
  const { maxArgLength } = spec.limits;
  const user = new Map<string, ArgValue[]>();
  const first = new Map<string, Occurrence>();
  for (const occ of occurrences) {
    const p = occ.param;
    const earlier = first.get(p.name);
    if (earlier !== undefined && !p.repeatable) {
      errors.push(
        argError(
          `${argsPath}[${occ.argIndex}]`,
          occ.written,
          `${label(p)} was already given as ${quote(earlier.written)} (${argsPath}[${earlier.argIndex}]); it may appear once`,
        ),
      );
      continue;
    }
    first.set(p.name, earlier ?? occ);
    const at = `${argsPath}[${occ.valueIndex}]`;
    const checked = checkValue(p, occ.raw, patterns.get(p.name));
    if (!checked.ok) {
      errors.push(valueError(at, occ.written, checked.reason, p));
      continue;
    }
    // The canonical token can be longer than what was typed (-F5 -> --freq=5): bound what the tool gets, so that
    // admitting userArgv again passes the same length check.
    const token = (p.flag === undefined ? formatValue(checked.value) : flagToken(p.flag, checked.value)) ?? '';
    if (characterCount(token) > maxArgLength) {
      errors.push(
        argError(
          at,
          occ.written,
          `written canonically as ${quote(token)} it is ${characterCount(token)} characters, above the maximum ${maxArgLength}`,
        ),
      );
      continue;
    }
    user.set(p.name, [...(user.get(p.name) ?? []), checked.value]);
  }
  for (const p of spec.parameters) {
    if (p.required && !first.has(p.name)) {
      const what = `${allowed(p)}${p.description ? ` (${p.description})` : ''}`;
      errors.push({ path: argsPath, message: `${label(p)} is required${p.flag === undefined ? ' (a positional argument)' : ''}: ${what}` });
    }
  }
  return user;
}

/** The user's values plus defaults, in declaration order; an unset boolean is false. */
function withDefaults(params: readonly Parameter[], user: ReadonlyMap<string, ArgValue[]>): Map<string, ArgValue[]> {
  const patterns = compilePatterns(params);
  const all = new Map<string, ArgValue[]>();
  for (const p of params) {
    const given = user.get(p.name);
    const checked = given === undefined && p.default !== undefined ? checkValue(p, p.default, patterns.get(p.name)) : undefined;
    if (given !== undefined) all.set(p.name, given);
    else if (checked?.ok) all.set(p.name, [checked.value]);
    else if (p.type === 'boolean') all.set(p.name, [false]);
  }
  return all;
}

/** Admits the user's args against a config's allowlist, or says every reason it cannot. */
export function admitArgs(spec: AllowlistSpec, args: readonly string[], argsPath = 'spec.tool.args'): AdmitResult {
  const configErrors = checkConfig(spec);
  if (configErrors.length > 0) {
    const prefix = 'the PowerToolConfig is invalid, so no arguments can be admitted until an admin fixes it';
    return { ok: false, errors: configErrors.map((e) => ({ path: argsPath, message: `${prefix}: ${e.path}: ${e.message}` })) };
  }
  const tokenErrors = checkTokens(spec, args, argsPath);
  if (tokenErrors.length > 0) return { ok: false, errors: tokenErrors };

  const { occurrences, errors } = parseArgs(spec.parameters, args, argsPath, flagsIn(spec.defaultArgs));
  const user = readValues(spec, occurrences, argsPath, errors);
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => order(a.path) - order(b.path)) };

  const all = withDefaults(spec.parameters, user);
  return {
    ok: true,
    admitted: {
      argv: [...spec.defaultArgs, ...serialise(spec.parameters, all)],
      userArgv: serialise(spec.parameters, user),
      values: Object.fromEntries(all),
    },
  };
}

/** Errors in argument order; those about the list as a whole (missing parameters) last. */
function order(path: string): number {
  const m = /\[(\d+)\]$/.exec(path);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}
