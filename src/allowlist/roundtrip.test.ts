/**
 * Property: every accepted argument list re-parses to the same values after re-serialisation. fast-check generates
 * well-formed configs (every parameter type, bounds, patterns, shorts, repeatables, defaults, positionals) and valid
 * argument lists for them in every accepted spelling; admitting the re-serialised userArgv (and the full argv after
 * defaultArgs) must give identical values and argv. A second property throws arbitrary and hostile tokens at the
 * same configs: admitArgs never throws, and whatever it accepts round-trips the same way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parameterTypes, signalNames, type Parameter, type ParameterType } from '../api/powertoolconfig.ts';
import { formatDuration, parseQuantity } from '../api/units.ts';
import { findForbiddenCharacter } from './characters.ts';
import { admitArgs, checkConfig, type AdmittedArgs, type AllowlistSpec } from './index.ts';
import { anchoredPattern } from './pattern.ts';
import { canonicalDuration } from './values.ts';

const SHORTS = 'abcdefghijklmnop'; // -q is taken by defaultArgs
const DEFAULT_ARGS = ['record', '--no-inherit', '-q'];
const PATTERNS = [undefined, '[a-z]+', '[A-Za-z0-9_.=-]{1,20}', '.+', '-?[a-z]{1,3}', '[a-z]{1,4}(,[a-z]{1,4})*'];
const ROOTS = ['/data', '/tmp/toe', '/var/log/app'];
const sorted = (a: number | undefined, b: number | undefined): [number | undefined, number | undefined] =>
  a !== undefined && b !== undefined && a > b ? [b, a] : [a, b];
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const clean = (s: string): boolean => findForbiddenCharacter(s) === undefined;

/** The type-specific fields of a parameter. */
function rulesArb(type: ParameterType, positional: boolean): fc.Arbitrary<Partial<Parameter>> {
  switch (type) {
    case 'integer': {
      // A positional cannot start with "-", so its range must reach zero or above to be passable at all.
      const bound = fc.integer({ min: positional ? 0 : -1e6, max: 1e6 });
      return fc.tuple(maybe(bound), maybe(bound)).map(([a, b]) => {
        const [min, max] = sorted(a, b);
        return { min, max };
      });
    }
    case 'percent':
      return fc.tuple(maybe(fc.integer({ min: 0, max: 100 })), maybe(fc.integer({ min: 0, max: 100 }))).map(([a, b]) => {
        const [min, max] = sorted(a, b);
        return { min, max };
      });
    case 'duration':
      return fc.tuple(maybe(fc.integer({ min: 0, max: 7_200_000 })), maybe(fc.integer({ min: 0, max: 7_200_000 }))).map(([a, b]) => {
        const [min, max] = sorted(a, b);
        return { min: min === undefined ? undefined : canonicalDuration(min), max: max === undefined ? undefined : canonicalDuration(max) };
      });
    case 'quantity':
      return fc.record({ min: fc.constantFrom(undefined, '0', '1Ki', '100Mi'), max: fc.constantFrom(undefined, '512Mi', '4Gi', '1Ti') });
    case 'enum':
      return fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9.=-]{0,7}$/), { minLength: 1, maxLength: 5 }).map((values) => ({ values }));
    case 'signal':
      return maybe(fc.subarray([...signalNames], { minLength: 1 })).map((values) => ({ values }));
    case 'string':
      return fc.record({ pattern: fc.constantFrom(...PATTERNS), maxLength: maybe(fc.integer({ min: 1, max: 64 })) });
    case 'path':
      return fc.subarray(ROOTS, { minLength: 1 }).map((roots) => ({ roots }));
    case 'boolean':
      return fc.constant({});
  }
}

function durationSpellings(ms: number): string[] {
  const out = [canonicalDuration(ms), formatDuration(ms)];
  if (ms <= 999_999) out.push(`${ms}ms`);
  if (ms % 1000 === 0 && ms / 1000 <= 999_999) out.push(`${ms / 1000}s`);
  return out;
}

/** A valid value for the parameter, in any spelling the checker accepts (not only the canonical one). */
function rawArb(p: Parameter, positional: boolean): fc.Arbitrary<string> {
  const num = (b: unknown): number | undefined => (typeof b === 'number' ? b : undefined);
  const notFlag = (s: string): boolean => !positional || !s.startsWith('-');
  switch (p.type) {
    case 'boolean':
      return fc.constantFrom('true', 'false');
    case 'integer':
      return fc
        .integer({
          min: Math.max(num(p.min) ?? Number.MIN_SAFE_INTEGER, positional ? 0 : -Infinity),
          max: num(p.max) ?? Number.MAX_SAFE_INTEGER,
        })
        .map(String);
    case 'percent':
      return fc.integer({ min: num(p.min) ?? 0, max: num(p.max) ?? 100 }).map(String);
    case 'duration': {
      const lo = p.min === undefined ? 0 : durationMs(p.min);
      const hi = p.max === undefined ? 36_000_000 : durationMs(p.max);
      return fc.integer({ min: lo, max: hi }).chain((ms) => fc.constantFrom(...durationSpellings(ms)));
    }
    case 'quantity':
      return fc
        .tuple(
          fc.constantFrom('', '0', '00'),
          fc.integer({ min: 0, max: 5000 }),
          fc.constantFrom('', '.0', '.5', '.25', '.500'),
          fc.constantFrom('', 'Ki', 'Mi', 'Gi', 'k', 'M'),
        )
        .map(([zeros, whole, fraction, suffix]) => `${zeros}${whole}${fraction}${suffix}`)
        .filter((q) => within(parseQuantity(q) as number, p.min, p.max));
    case 'string': {
      const pattern = p.pattern === undefined ? undefined : anchoredPattern(p.pattern);
      const source =
        p.pattern === undefined || p.pattern === '.+'
          ? fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 })
          : fc.stringMatching(pattern as RegExp);
      return source.filter(
        (s) => s !== '' && clean(s) && notFlag(s) && [...s].length <= (p.maxLength ?? Infinity) && (pattern?.test(s) ?? true),
      );
    }
    case 'enum':
      return fc.constantFrom(...(p.values ?? []));
    case 'signal':
      return fc.constantFrom(...(p.values ?? signalNames)).chain((name) => fc.constantFrom(name, name.slice(3)));
    case 'path':
      return fc
        .tuple(
          fc.constantFrom(...(p.roots ?? [])),
          fc.array(
            fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..'),
            { maxLength: 4 },
          ),
        )
        .map(([root, segments]) => [root, ...segments].join('/'));
  }
}

const durationMs = (text: string | number): number => {
  let total = 0;
  for (const [, n, unit] of String(text).matchAll(/([0-9]+)(ms|s|m|h)/g))
    total += Number(n) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as string] as number);
  return total;
};
const within = (n: number, min: unknown, max: unknown): boolean =>
  (min === undefined || n >= (parseQuantity(String(min)) as number)) && (max === undefined || n <= (parseQuantity(String(max)) as number));

type Mode = 'optional' | 'required' | 'default';

function paramArb(i: number, positional: boolean): fc.Arbitrary<Parameter> {
  const types = parameterTypes.filter((t) => !positional || t !== 'boolean');
  return fc.constantFrom(...types).chain((type) =>
    fc
      .tuple(rulesArb(type, positional), fc.boolean(), fc.constantFrom<Mode>('optional', 'required', 'default'), fc.boolean())
      .chain(([rules, hasShort, mode, repeatable]) => {
        const boolean = type === 'boolean';
        const p: Parameter = {
          name: `p${i}`,
          type,
          ...Object.fromEntries(Object.entries(rules).filter(([, v]) => v !== undefined)),
          ...(positional ? {} : { flag: `--opt-${i}` }),
          ...(!positional && hasShort ? { short: `-${SHORTS[i]}` } : {}),
          ...(!boolean && repeatable ? { repeatable: true } : {}),
          ...(!boolean && mode === 'required' ? { required: true } : {}),
        };
        if (mode !== 'default') return fc.constant(p);
        return boolean ? fc.constant({ ...p, default: 'false' }) : rawArb(p, positional).map((d) => ({ ...p, default: d }));
      }),
  );
}

/** Positionals must fill in declaration order: always-set ones first, only the last one repeatable. */
function orderPositionals(ps: Parameter[]): Parameter[] {
  const filled = (p: Parameter): boolean => p.required === true || p.default !== undefined;
  const ordered = [...ps.filter(filled), ...ps.filter((p) => !filled(p))];
  return ordered.map((p, k) => (k < ordered.length - 1 && p.repeatable ? { ...p, repeatable: false } : p));
}

const configArb: fc.Arbitrary<AllowlistSpec> = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 }))
  .chain(([nFlags, nPositionals]) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: nFlags }, (_, i) => paramArb(i, false))),
      fc.tuple(...Array.from({ length: nPositionals }, (_, i) => paramArb(nFlags + i, true))),
      fc.subarray(DEFAULT_ARGS),
      fc.boolean(),
    ),
  )
  .map(([flagged, positionals, defaultArgs, positionalsFirst]) => {
    const pos = orderPositionals(positionals);
    return {
      parameters: positionalsFirst ? [...pos, ...flagged] : [...flagged, ...pos],
      defaultArgs,
      limits: { maxArgs: 256, maxArgLength: 4096, maxDuration: '1h', defaultDuration: '30s' },
    };
  });

/** Every way a user may write one value of a flag parameter. */
function forms(p: Parameter, raw: string): string[][] {
  const flag = p.flag as string;
  if (p.type === 'boolean') {
    if (raw === 'false') return [[`${flag}=false`]];
    return [[flag], [`${flag}=true`], ...(p.short ? [[p.short]] : [])];
  }
  const out = [[`${flag}=${raw}`]];
  if (!raw.startsWith('-')) out.push([flag, raw]);
  if (p.short && !raw.startsWith('=')) out.push([`${p.short}${raw}`]);
  if (p.short && !raw.startsWith('-')) out.push([p.short, raw]);
  return out;
}

interface Generated {
  args: string[];
  /** How many values the user gave per parameter. */
  given: Map<string, number>;
}

function argsArb(spec: AllowlistSpec): fc.Arbitrary<Generated> {
  const flagged = spec.parameters.filter((p) => p.flag !== undefined);
  const positionals = spec.parameters.filter((p) => p.flag === undefined);
  const groupArbs = flagged.map((p) => {
    const most = p.repeatable ? 3 : 1;
    return fc
      .array(
        rawArb(p, false).chain((raw) => fc.constantFrom(...forms(p, raw))),
        { minLength: p.required ? 1 : 0, maxLength: most },
      )
      .map((groups) => groups.map((tokens) => ({ name: p.name, tokens })));
  });
  const lastRequired = positionals.reduce((at, p, k) => (p.required ? k + 1 : at), 0);
  const last = positionals.at(-1);
  const posArb = fc.integer({ min: lastRequired, max: positionals.length }).chain((k) => {
    const extra = k === positionals.length && last?.repeatable ? 2 : 0;
    const slots = [...positionals.slice(0, k), ...Array.from({ length: extra }, () => last as Parameter)];
    return fc.tuple(...slots.map((p) => rawArb(p, true).map((raw) => ({ name: p.name, tokens: [raw] }))));
  });
  return fc.tuple(fc.tuple(...groupArbs), posArb).chain(([groupLists, posGroups]) => {
    const groups = groupLists.flat();
    return fc
      .tuple(
        fc.shuffledSubarray(groups, { minLength: groups.length }),
        fc.array(fc.boolean(), { minLength: groups.length + posGroups.length, maxLength: groups.length + posGroups.length }),
      )
      .map(([shuffled, picks]) => {
        const merged: Array<{ name: string; tokens: string[] }> = [];
        let f = 0;
        let q = 0;
        for (const pickFlag of picks) {
          const next = (pickFlag && f < shuffled.length) || q >= posGroups.length ? shuffled[f++] : posGroups[q++];
          if (next) merged.push(next);
        }
        const given = new Map<string, number>();
        for (const g of merged) given.set(g.name, (given.get(g.name) ?? 0) + 1);
        return { args: merged.flatMap((g) => g.tokens), given };
      });
  });
}

const ok = (spec: AllowlistSpec, args: readonly string[]): AdmittedArgs => {
  const r = admitArgs(spec, args);
  if (!r.ok) throw new Error(`refused ${JSON.stringify(args)}:\n${r.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return r.admitted;
};

function assertRoundTrip(spec: AllowlistSpec, first: AdmittedArgs): void {
  const again = ok(spec, first.userArgv);
  assert.deepStrictEqual(again.values, first.values);
  assert.deepStrictEqual(again.argv, first.argv);
  assert.deepStrictEqual(again.userArgv, first.userArgv);
  const full = ok(spec, first.argv.slice(spec.defaultArgs.length));
  assert.deepStrictEqual(full.values, first.values);
  assert.deepStrictEqual(full.argv, first.argv);
}

const hostileTokens = [
  '--',
  '-',
  '',
  '--=',
  '-F=1',
  '; rm -rf /',
  '$(id)',
  '`id`',
  '$VAR',
  '${IFS}',
  '*',
  '/data/../etc',
  '//etc',
  '\u2013opt-0=1',
  '--opt-0=\u202e1',
  'a\0b',
  '--opt-1\n',
  '--help',
  '-x',
  '1e309',
  '0x10',
  '+5',
  ' 5',
  '--opt-0=',
  '--opt-0',
  '-a',
  '-a=',
];
const tokenArb = (spec: AllowlistSpec): fc.Arbitrary<string> =>
  fc.oneof(
    argsArb(spec).chain((g) => (g.args.length === 0 ? fc.constant('x') : fc.constantFrom(...g.args))),
    fc.constantFrom(...hostileTokens),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc
      .constantFrom(...spec.parameters.flatMap((p) => [p.flag, p.short].filter((f): f is string => f !== undefined)), 'x')
      .chain((f) => fc.string({ maxLength: 6 }).map((v) => `${f}${v}`)),
  );

describe('round trip (property)', () => {
  it('generates only well-formed configs', () => {
    fc.assert(
      fc.property(configArb, (spec) => {
        assert.deepStrictEqual(checkConfig(spec), []);
      }),
      { numRuns: 500 },
    );
  });

  it('admits every valid argument list, and admitting its re-serialisation gives the same values and argv', () => {
    fc.assert(
      fc.property(
        configArb.chain((spec) => fc.tuple(fc.constant(spec), argsArb(spec))),
        ([spec, { args, given }]) => {
          const first = ok(spec, args);
          for (const p of spec.parameters) {
            const n = given.get(p.name) ?? 0;
            const expected = n > 0 ? n : p.default !== undefined || p.type === 'boolean' ? 1 : 0;
            assert.equal(first.values[p.name]?.length ?? 0, expected, `values of ${p.name}`);
          }
          assert.deepStrictEqual(first.argv.slice(0, spec.defaultArgs.length), spec.defaultArgs);
          assertRoundTrip(spec, first);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary tokens, and whatever it admits round-trips', () => {
    const arb = configArb.chain((spec) => fc.tuple(fc.constant(spec), fc.array(tokenArb(spec), { maxLength: 8 })));
    fc.assert(
      fc.property(arb, ([spec, args]) => {
        const r = admitArgs(spec, args);
        if (r.ok) assertRoundTrip(spec, r.admitted);
        else for (const e of r.errors) assert.match(e.message, /^[\x20-\x7e…]*$/);
      }),
      { numRuns: 500 },
    );
  });
});
