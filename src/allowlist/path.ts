/**
 * Path values, and the roots an admin allows them under.
 *
 * A path must already be in its one normal spelling (absolute, no empty, `.` or `..` segments, no trailing slash):
 * TOE refuses rather than rewrites, so what the user reads in their spec is exactly what the tool gets. Segments use
 * the POSIX portable filename characters only; that keeps out globs, `$`, `~` and `%` (tcpdump expands strftime
 * `%` sequences in file names, and a URL-decoding tool would turn `%2e%2e` into `..`).
 *
 * This is a textual check: it cannot resolve symlinks, because the files live in the target container and may not
 * exist yet. A symlink under an allowed root can still point elsewhere (and `/proc/1/root` is the target's whole
 * filesystem), so admins must not list a root that the target's workload can write links into unless the tool opens
 * paths with O_NOFOLLOW / openat2(RESOLVE_BENEATH).
 */
import { quote } from './errors.ts';

const SEGMENT = /^[A-Za-z0-9._-]+$/;
const PATH_MAX = 4096;
const NAME_MAX = 255;

/** Why a text is not a normal absolute path, or undefined when it is one. */
export function pathSyntaxProblem(text: string): string | undefined {
  const it = quote(text);
  if (!text.startsWith('/')) return `${it} is not an absolute path (it must start with /)`;
  if (text.length > PATH_MAX) return `the path is ${text.length} characters, above the maximum ${PATH_MAX}`;
  if (text === '/') return undefined;
  if (text.includes('//')) return `${it} contains an empty segment (//)`;
  if (text.endsWith('/')) return `${it} ends with /; write it without the trailing slash`;
  for (const segment of text.slice(1).split('/')) {
    if (segment === '..') return `${it} contains a .. segment`;
    if (segment === '.') return `${it} contains a . segment`;
    if (segment.length > NAME_MAX) return `a segment of ${it} is ${segment.length} characters, above the maximum ${NAME_MAX}`;
    if (!SEGMENT.test(segment)) {
      const bad = [...segment].find((ch) => !SEGMENT.test(ch)) as string;
      return `${it} contains ${quote(bad)}; path segments may use only A-Z, a-z, 0-9, ".", "_" and "-"`;
    }
  }
  return undefined;
}

/** True when `path` is `root` or lies below it; compared on segment boundaries, so /data2 is not under /data. */
export function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** Why a path value is refused, or undefined when it is a normal path under one of the roots. */
export function pathProblem(text: string, roots: readonly string[]): string | undefined {
  const syntax = pathSyntaxProblem(text);
  if (syntax !== undefined) return syntax;
  if (!roots.some((root) => isUnder(text, root))) return `${quote(text)} is not under an allowed directory`;
  return undefined;
}
