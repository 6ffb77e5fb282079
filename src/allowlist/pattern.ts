/**
 * Admin-written patterns for string parameters: compiled with the `u` flag (so `.` and classes see code points, and
 * sloppy escapes are syntax errors) and anchored for the admin, since an unanchored pattern would accept any value
 * that merely contains a match.
 *
 * A pattern runs on untrusted input at admission time, so the classic catastrophic-backtracking shape is refused:
 * a group repeated without bound that itself holds an unbounded repeat (`(a+)+`, `(\w*)*`). That is a heuristic, not
 * a proof (overlapping alternatives such as `(a|a)*` slip through); the per-argument length limit bounds the rest.
 * Backreferences are refused too: no allowlist needs them and they make matching super-linear.
 */
import { findForbiddenCharacter } from './characters.ts';

export const MAX_PATTERN_LENGTH = 1024;

/**
 * The pattern anchored as a whole. It must compile on its own first: `a)|(b` is unbalanced alone but compiles once
 * wrapped, as `^(?:a)|(b)$`, which no longer anchors both alternatives.
 */
export function anchoredPattern(pattern: string): RegExp {
  new RegExp(pattern, 'u');
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/** Reads a quantifier at `i`: whether it is unbounded (`*`, `+`, `{n,}`), or undefined when there is none. */
function quantifierAt(pattern: string, i: number): boolean | undefined {
  const ch = pattern[i];
  if (ch === '*' || ch === '+') return true;
  if (ch === '?') return false;
  if (ch === '{') return /^\{[0-9]+,\}/.test(pattern.slice(i));
  return undefined;
}

/** Why the pattern's shape is refused, or undefined. Assumes the pattern compiles with the `u` flag. */
function shapeProblem(pattern: string): string | undefined {
  const groups: boolean[] = [false];
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) && !inClass) return 'it uses a backreference';
      if (next === 'k' && !inClass) return 'it uses a named backreference';
      if (/[pPu]/.test(next) && pattern[i + 2] === '{') i = pattern.indexOf('}', i);
      else i += 1;
    } else if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
    } else if (ch === '(') {
      groups.push(false);
    } else if (ch === ')') {
      const inner = groups.pop() as boolean;
      if (inner && quantifierAt(pattern, i + 1) === true) {
        return 'it repeats a group without bound that itself repeats without bound (catastrophic backtracking)';
      }
      groups[groups.length - 1] ||= inner;
    } else if (quantifierAt(pattern, i) === true) {
      groups[groups.length - 1] = true;
    }
  }
  return undefined;
}

/** Why an admin's pattern is refused, or undefined when it is usable. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `the pattern is ${pattern.length} characters, above the maximum ${MAX_PATTERN_LENGTH}`;
  const bad = findForbiddenCharacter(pattern);
  if (bad !== undefined)
    return `character ${bad.position} is ${bad.description}; write it as an escape such as \\u${bad.codePoint.toString(16).padStart(4, '0')}`;
  try {
    anchoredPattern(pattern);
  } catch (err) {
    return `the pattern does not compile with the u flag: ${(err as Error).message}`;
  }
  const shape = shapeProblem(pattern);
  return shape === undefined ? undefined : `the pattern is refused: ${shape}`;
}
