/**
 * Tokens to occurrences: which parameter each user argument sets, and the value text it carries.
 *
 * Accepted forms: `--flag=value`, `--flag value`, `-F value`, `-Fvalue`, booleans as `--flag`, `-F` or
 * `--flag=true|false`, and bare tokens as positionals in declaration order (a repeatable positional takes all
 * the rest). Refused on purpose:
 * - `--`: after it a tool reads every token as an operand, so TOE would have to re-serialise it exactly where the
 *   user put it; values that start with `-` are written `--flag=-value` instead, which is never ambiguous.
 * - `--flag value` when the value starts with `-`: getopt would take `--help` as the value, a person reads a flag.
 * - `-F=value` (is `=` part of the value?) and combined short flags (`-vF5`): one spelling per meaning.
 * - flag abbreviations (`--fr` for `--freq`), which getopt_long accepts: a later flag could make them ambiguous.
 */
import type { Parameter } from '../api/powertoolconfig.ts';
import { allowedFlags, argError, label, quote, shown, type ArgError } from './errors.ts';

export interface Occurrence {
  param: Parameter;
  /** The argument(s) as the user wrote them, for messages: "--freq=5", "--freq 5", "-F5". */
  written: string;
  /** Index of the token that names the parameter (the flag, or the positional itself). */
  argIndex: number;
  /** Index of the token that carries the value (the next one for `--flag value`). */
  valueIndex: number;
  /** The value text; "true" for a bare boolean flag. */
  raw: string;
}

export interface Parsed {
  occurrences: Occurrence[];
  errors: ArgError[];
}

/** Reads user tokens against the parameters; every token is either part of one occurrence or in one error. */
export function parseArgs(
  params: readonly Parameter[],
  args: readonly string[],
  argsPath: string,
  fixed: ReadonlySet<string> = new Set(),
): Parsed {
  const byFlag = new Map<string, Parameter>();
  const byShort = new Map<string, Parameter>();
  for (const p of params) {
    if (p.flag !== undefined) byFlag.set(p.flag, p);
    if (p.short !== undefined) byShort.set(p.short, p);
  }
  const positionals = params.filter((p) => p.flag === undefined);
  const occurrences: Occurrence[] = [];
  const errors: ArgError[] = [];
  const at = (i: number): string => `${argsPath}[${i}]`;
  let slot = 0;
  const unknown = (i: number, tok: string, name: string): void => {
    errors.push(
      argError(
        at(i),
        tok,
        fixed.has(name)
          ? `${name} is set by the admin in defaultArgs and cannot be overridden`
          : `unknown flag ${shown(name)}; ${allowedFlags(params)}`,
      ),
    );
  };

  /** The value of `--flag value` / `-F value` from the next token, if it can be one. */
  const separateValue = (i: number, tok: string, param: Parameter): number => {
    const next = args[i + 1];
    const write = `write ${param.flag}=VALUE`;
    if (next === undefined) {
      errors.push(argError(at(i), tok, `${tok} needs a value; ${write}`));
      return i;
    }
    if (next.startsWith('-')) {
      errors.push(
        argError(
          at(i),
          tok,
          `${tok} needs a value, but the next argument ${quote(next)} starts with "-"; for a value that starts with "-", ${write}`,
        ),
      );
      return i;
    }
    occurrences.push({ param, written: `${tok} ${next}`, argIndex: i, valueIndex: i + 1, raw: next });
    return i + 1;
  };

  for (let i = 0; i < args.length; i += 1) {
    const tok = args[i] as string;
    if (tok === '--') {
      errors.push(argError(at(i), tok, '"--" (end of options) is not accepted; write a value that starts with "-" as --flag=VALUE'));
    } else if (tok === '-') {
      errors.push(argError(at(i), tok, 'a lone "-" is not an argument this tool accepts'));
    } else if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = eq < 0 ? tok : tok.slice(0, eq);
      const param = byFlag.get(name);
      if (name === '--') errors.push(argError(at(i), tok, 'the flag name is empty'));
      else if (param === undefined) unknown(i, tok, name);
      else if (eq >= 0) occurrences.push({ param, written: tok, argIndex: i, valueIndex: i, raw: tok.slice(eq + 1) });
      else if (param.type === 'boolean') occurrences.push({ param, written: tok, argIndex: i, valueIndex: i, raw: 'true' });
      else i = separateValue(i, tok, param);
    } else if (tok.startsWith('-')) {
      const name = tok.slice(0, 2);
      const rest = tok.slice(2);
      const param = byShort.get(name);
      if (param === undefined) unknown(i, tok, name);
      else if (param.type === 'boolean' && rest !== '') {
        errors.push(
          argError(
            at(i),
            tok,
            `${name} takes no value and short flags cannot be combined; write ${name}, ${param.flag} or ${param.flag}=false`,
          ),
        );
      } else if (param.type === 'boolean') occurrences.push({ param, written: tok, argIndex: i, valueIndex: i, raw: 'true' });
      else if (rest.startsWith('='))
        errors.push(argError(at(i), tok, `write ${name} VALUE, ${name}VALUE or ${param.flag}=VALUE (is "=" part of the value?)`));
      else if (rest !== '') occurrences.push({ param, written: tok, argIndex: i, valueIndex: i, raw: rest });
      else i = separateValue(i, tok, param);
    } else {
      const param = positionals[slot];
      if (param === undefined) {
        const takes =
          positionals.length === 0
            ? 'this tool takes no positional arguments'
            : `this tool takes ${positionals.map(label).join(', ')} only`;
        errors.push(argError(at(i), tok, `unexpected positional argument; ${takes}; ${allowedFlags(params)}`));
      } else {
        occurrences.push({ param, written: tok, argIndex: i, valueIndex: i, raw: tok });
        if (!param.repeatable) slot += 1;
      }
    }
  }
  return { occurrences, errors };
}

/**
 * The long flags and short aliases that appear in the admin's defaultArgs (`--freq`, `--freq=5`, `-F`, `-F5`):
 * users may not set those parameters, since a second occurrence would override or contradict the admin's.
 */
export function flagsIn(tokens: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const tok of tokens) {
    if (tok.startsWith('--')) {
      if (tok.length > 2) out.add(tok.split('=', 1)[0] as string);
    } else if (tok.startsWith('-') && tok.length > 1) out.add(tok.slice(0, 2));
  }
  return out;
}
