/**
 * Reading API objects that may be partial or malformed. The evidence builder takes objects from informer caches,
 * JSON files and older API versions; a missing field or a string where a number belongs must cost one piece of
 * evidence, never the report.
 */

export function asArray(value: unknown, cap = Number.POSITIVE_INFINITY): unknown[] {
  if (!Array.isArray(value)) return [];
  return value.length > cap ? value.slice(0, cap) : value;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asString(value: unknown, max = 1024): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

export function asNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** RFC 3339 from a Date (client-node deserialises times) or a string (JSON); undefined when neither parses. */
export function asTime(value: unknown): string | undefined {
  const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

/** Follows a path of keys through nested records. */
export function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) v = asRecord(v)[key];
  return v;
}

/**
 * An id fragment: lower-case DNS-label characters only, so ids stay readable and safe in HTML and URLs. Long or
 * lossy names get a short hash so that two different names never share an id.
 */
export function idPart(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Case alone never needs a hash: Kubernetes names are lower-case and reasons differ by more than case.
  if (slug === name.toLowerCase() && slug.length <= 48) return slug;
  return `${slug.slice(0, 40).replace(/-+$/, '')}-${hash(name)}`;
}

/** FNV-1a, 32 bits, as 8 hex digits: stable and dependency-free. */
export function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}
