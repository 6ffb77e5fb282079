/**
 * Request path → a file inside the reports directory, or a refusal. Checked twice: lexically (each segment decoded
 * once, then refused if it is empty, `.`/`..`, hidden, or holds a slash, backslash or NUL, so encoded traversal
 * cannot reappear), and physically (the real path, symlinks followed, must still lie inside the real root).
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8; header=present',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.folded': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export type Resolved = { file: string; size: number; mtime: Date; type: string } | { refused: 'bad-path' | 'not-found' };

/** The decoded segments of a URL path, or undefined when any is unsafe. */
export function safeSegments(urlPath: string): string[] | undefined {
  const path = urlPath.split('?')[0] ?? '';
  if (!path.startsWith('/') || path.startsWith('//')) return undefined;
  const raw = path.slice(1).split('/');
  if (raw.length > 16) return undefined;
  const out: string[] = [];
  for (const [i, segment] of raw.entries()) {
    let s: string;
    try {
      s = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (s === '' && i === raw.length - 1 && i > 0) continue;
    if (s === '' && raw.length === 1) continue;
    if (s === '' || s === '.' || s === '..' || s.startsWith('.') || /[/\\\0]/.test(s) || s.length > 255) return undefined;
    out.push(s);
  }
  return out;
}

export async function resolveReport(root: string, urlPath: string): Promise<Resolved> {
  const segments = safeSegments(urlPath);
  if (!segments) return { refused: 'bad-path' };
  const candidate = join(root, ...segments);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { refused: 'not-found' };
  }
  if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) return { refused: 'not-found' };
  const type = CONTENT_TYPES[extname(real).toLowerCase()];
  if (!type) return { refused: 'not-found' };
  const info = await stat(real).catch(() => undefined);
  if (!info?.isFile()) return { refused: 'not-found' };
  return { file: real, size: info.size, mtime: info.mtime, type };
}
