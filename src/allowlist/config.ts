/**
 * Is a PowerToolConfig's allowlist well-formed? The schema checks shapes; this checks meaning: bounds of the right
 * kind and order, defaults that pass their own parameter, patterns that compile and cannot backtrack without end,
 * flags that do not collide, positionals that re-parse in the order they serialise, and defaultArgs that neither
 * hide characters nor fix a flag users are offered. admitArgs refuses everything while any of this fails.
 */
import { signalNames, type Parameter, type PowerToolConfigSpec } from '../api/powertoolconfig.ts';
import { parseDuration, parseQuantity } from '../api/units.ts';
import { findForbiddenCharacter, forbiddenCharacterReason } from './characters.ts';
import { quote, type ArgError } from './errors.ts';
import { flagsIn } from './parse.ts';
import { pathSyntaxProblem } from './path.ts';
import { anchoredPattern, patternProblem } from './pattern.ts';
import { checkValue, MAX_DURATION_MS } from './values.ts';

/** The part of a PowerToolConfig spec the allowlist reads. */
/** What the allowlist reads of a config: its parameters, default args and argument limits (not run timing). */
export type AllowlistSpec = Pick<PowerToolConfigSpec, 'parameters' | 'defaultArgs'> & {
  limits: Omit<PowerToolConfigSpec['limits'], 'finishGrace'>;
};

const boundTypes = ['integer', 'percent', 'duration', 'quantity'];
const fieldTypes: Record<string, readonly string[]> = {
  values: ['enum', 'signal'],
  pattern: ['string'],
  maxLength: ['string'],
  roots: ['path'],
};

/** Why a bound is not of the parameter's kind, or its numeric value. */
function readBound(p: Parameter, bound: number | string): { value: number } | { problem: string } {
  if (p.type === 'integer' || p.type === 'percent') {
    if (typeof bound !== 'number' || !Number.isSafeInteger(bound)) return { problem: `must be an integer for a ${p.type} parameter` };
    if (p.type === 'percent' && (bound < 0 || bound > 100)) return { problem: 'must be within 0..100 for a percent parameter' };
    return { value: bound };
  }
  const value = typeof bound === 'string' ? (p.type === 'duration' ? parseDuration(bound) : parseQuantity(bound)) : undefined;
  if (value === undefined) return { problem: `must be a ${p.type} string such as ${p.type === 'duration' ? '"30s"' : '"512Mi"'}` };
  if (p.type === 'duration' && value > MAX_DURATION_MS) return { problem: 'must be at most 999999h' };
  return { value };
}

function checkBounds(p: Parameter, path: string, errors: ArgError[]): void {
  const read: Partial<Record<'min' | 'max', number>> = {};
  for (const key of ['min', 'max'] as const) {
    const bound = p[key];
    if (bound === undefined) continue;
    if (!boundTypes.includes(p.type)) {
      errors.push({
        path: `${path}.${key}`,
        message: `${key} applies to integer, percent, duration and quantity parameters only${p.type === 'string' ? '; for a string use maxLength' : ''}`,
      });
      continue;
    }
    const r = readBound(p, bound);
    if ('problem' in r) errors.push({ path: `${path}.${key}`, message: `${JSON.stringify(bound)} ${r.problem}` });
    else read[key] = r.value;
  }
  if (read.min !== undefined && read.max !== undefined && read.min > read.max) {
    errors.push({ path: `${path}.min`, message: `min ${JSON.stringify(p.min)} is above max ${JSON.stringify(p.max)}` });
  }
}

function checkValues(p: Parameter, path: string, errors: ArgError[]): void {
  if (p.type === 'enum' && (p.values === undefined || p.values.length === 0))
    errors.push({ path: `${path}.values`, message: 'an enum parameter needs at least one value' });
  const seen = new Set<string>();
  (p.values ?? []).forEach((v, j) => {
    const at = `${path}.values[${j}]`;
    const bad = findForbiddenCharacter(v);
    if (v === '') errors.push({ path: at, message: 'a value may not be empty' });
    else if (bad !== undefined) errors.push({ path: at, message: `${quote(v)}: ${forbiddenCharacterReason(bad)}` });
    else if (seen.has(v)) errors.push({ path: at, message: `${quote(v)} is listed twice` });
    else if (p.type === 'signal' && !(signalNames as readonly string[]).includes(v))
      errors.push({ path: at, message: `${quote(v)} is not one of ${signalNames.join(', ')}` });
    else if (p.flag === undefined && v.startsWith('-'))
      errors.push({ path: at, message: `${quote(v)} starts with "-", so it could not be passed as a positional` });
    seen.add(v);
  });
}

function checkRoots(p: Parameter, path: string, errors: ArgError[]): void {
  if (p.type !== 'path') return;
  if (p.roots === undefined || p.roots.length === 0) {
    errors.push({ path: `${path}.roots`, message: 'a path parameter needs at least one root directory' });
    return;
  }
  p.roots.forEach((root, j) => {
    const problem = root === '/' ? 'the root / would allow every path; name the directories the tool may use' : pathSyntaxProblem(root);
    if (problem !== undefined) errors.push({ path: `${path}.roots[${j}]`, message: problem });
  });
}

function checkKind(p: Parameter, path: string, errors: ArgError[]): void {
  for (const [field, types] of Object.entries(fieldTypes)) {
    if (p[field as keyof Parameter] !== undefined && !types.includes(p.type)) {
      errors.push({ path: `${path}.${field}`, message: `${field} applies to ${types.join(' and ')} parameters only, not ${p.type}` });
    }
  }
  if (p.short !== undefined && p.flag === undefined) errors.push({ path: `${path}.short`, message: 'a short alias needs a long flag' });
  if (p.required && p.default !== undefined)
    errors.push({ path: `${path}.default`, message: 'a required parameter never uses its default; drop one of them' });
  if (p.type !== 'boolean') return;
  // false is passed to the tool as nothing, so a boolean that is required, repeatable or true by default could
  // not survive a round trip through its own serialisation (and true by default could never be turned off).
  if (p.flag === undefined) errors.push({ path, message: 'a boolean parameter needs a flag' });
  if (p.required) errors.push({ path: `${path}.required`, message: 'a boolean cannot be required; users pass the flag or leave it out' });
  if (p.repeatable) errors.push({ path: `${path}.repeatable`, message: 'a boolean cannot be repeatable; use an integer for levels' });
  if (p.default === 'true')
    errors.push({
      path: `${path}.default`,
      message: 'a boolean cannot default to true, as users could never turn it off; put the flag in defaultArgs instead',
    });
}

function checkPattern(p: Parameter, path: string, errors: ArgError[]): RegExp | undefined {
  if (p.pattern === undefined) return undefined;
  const problem = patternProblem(p.pattern);
  if (problem === undefined) return anchoredPattern(p.pattern);
  errors.push({ path: `${path}.pattern`, message: problem });
  return undefined;
}

function checkDefault(p: Parameter, path: string, pattern: RegExp | undefined, errors: ArgError[]): void {
  if (p.default === undefined) return;
  const bad = findForbiddenCharacter(p.default);
  const checked = checkValue(p, p.default, pattern);
  if (bad !== undefined) errors.push({ path: `${path}.default`, message: `${quote(p.default)}: ${forbiddenCharacterReason(bad)}` });
  else if (!checked.ok)
    errors.push({
      path: `${path}.default`,
      message: `${quote(p.default)}: ${checked.reason}; the default must pass the parameter's own rules`,
    });
  else if (p.flag === undefined && p.default.startsWith('-'))
    errors.push({
      path: `${path}.default`,
      message: `${quote(p.default)} starts with "-", so it would read as a flag in positional place`,
    });
}

/** Errors in one parameter; the default is checked only when the rules it is checked against are sound. */
function checkParameter(p: Parameter, path: string): ArgError[] {
  const errors: ArgError[] = [];
  checkKind(p, path, errors);
  checkBounds(p, path, errors);
  checkValues(p, path, errors);
  checkRoots(p, path, errors);
  const pattern = checkPattern(p, path, errors);
  if (errors.length === 0) checkDefault(p, path, pattern, errors);
  return errors;
}

function checkUnique(params: readonly Parameter[], specPath: string, key: 'name' | 'flag' | 'short'): ArgError[] {
  const first = new Map<string, number>();
  const errors: ArgError[] = [];
  params.forEach((p, i) => {
    const v = p[key];
    if (v === undefined) return;
    const j = first.get(v);
    if (j === undefined) first.set(v, i);
    else
      errors.push({
        path: `${specPath}.parameters[${i}].${key}`,
        message: `${v} is already used by parameters[${j}] (${params[j]?.name})`,
      });
  });
  return errors;
}

/** Positionals serialise in declaration order, so they must also fill in it: always-set ones first, a repeatable last. */
function checkPositionals(params: readonly Parameter[], specPath: string): ArgError[] {
  const errors: ArgError[] = [];
  let optional: Parameter | undefined;
  const positionals = params.map((p, i) => ({ p, i })).filter(({ p }) => p.flag === undefined);
  positionals.forEach(({ p, i }, k) => {
    const path = `${specPath}.parameters[${i}]`;
    const filled = p.required === true || p.default !== undefined;
    if (filled && optional !== undefined)
      errors.push({
        path,
        message: `positional ${p.name} is required or has a default, so it must come before the optional positional ${optional.name}`,
      });
    if (!filled) optional ??= p;
    if (p.repeatable && k < positionals.length - 1)
      errors.push({
        path: `${path}.repeatable`,
        message: `a repeatable positional takes every remaining operand, so ${p.name} must be the last positional`,
      });
  });
  return errors;
}

function checkDefaultArgs(spec: AllowlistSpec, specPath: string): ArgError[] {
  const errors: ArgError[] = [];
  spec.defaultArgs.forEach((arg, i) => {
    const path = `${specPath}.defaultArgs[${i}]`;
    const bad = findForbiddenCharacter(arg);
    if (bad !== undefined) errors.push({ path, message: `${quote(arg)}: ${forbiddenCharacterReason(bad)}` });
    if (arg === '--')
      errors.push({ path, message: '"--" would make the tool read every user argument after it as an operand, not an option' });
  });
  const fixed = flagsIn(spec.defaultArgs);
  spec.parameters.forEach((p, i) => {
    for (const key of ['flag', 'short'] as const) {
      const f = p[key];
      if (f !== undefined && fixed.has(f))
        errors.push({
          path: `${specPath}.parameters[${i}].${key}`,
          message: `${f} is already in defaultArgs, so users could never set it; remove the parameter or the default argument`,
        });
    }
  });
  return errors;
}

/** Every problem in the allowlist part of a PowerToolConfig spec, with paths under `specPath`. */
export function checkConfig(spec: AllowlistSpec, specPath = 'spec'): ArgError[] {
  return [
    ...spec.parameters.flatMap((p, i) => checkParameter(p, `${specPath}.parameters[${i}]`)),
    ...checkUnique(spec.parameters, specPath, 'name'),
    ...checkUnique(spec.parameters, specPath, 'flag'),
    ...checkUnique(spec.parameters, specPath, 'short'),
    ...checkPositionals(spec.parameters, specPath),
    ...checkDefaultArgs(spec, specPath),
  ];
}
