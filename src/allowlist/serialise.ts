/**
 * Parsed values back to argv, canonically: every flag as `--flag=value` (true booleans as `--flag`, false ones as
 * nothing), flags in declaration order, then positionals in declaration order. The user's own spelling never
 * reaches the tool. `--flag=value` keeps a value that starts with "-" a value; positionals go last because a tool
 * whose getopt is not GNU's (busybox, POSIXLY_CORRECT) stops reading options at the first operand.
 */
import type { Parameter } from '../api/powertoolconfig.ts';
import { formatValue, type ArgValue } from './values.ts';

/** The single token for one value of a flag parameter, or undefined for a false boolean. */
export function flagToken(flag: string, value: ArgValue): string | undefined {
  if (value === true) return flag;
  if (value === false) return undefined;
  return `${flag}=${formatValue(value)}`;
}

/** The tokens for every parameter that has values; repeatable values keep their order. */
export function serialise(params: readonly Parameter[], values: ReadonlyMap<string, readonly ArgValue[]>): string[] {
  const out: string[] = [];
  for (const p of params) {
    if (p.flag === undefined) continue;
    for (const v of values.get(p.name) ?? []) {
      const token = flagToken(p.flag, v);
      if (token !== undefined) out.push(token);
    }
  }
  for (const p of params) {
    if (p.flag !== undefined) continue;
    for (const v of values.get(p.name) ?? []) out.push(formatValue(v));
  }
  return out;
}
