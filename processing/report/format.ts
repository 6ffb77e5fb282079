/** Numbers and times as a report shows them: short, unit-bearing, UTC. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function percent(n: number, digits = 1): string {
  return `${n.toFixed(digits)}%`;
}

export function seconds(s: number): string {
  if (s < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(1)} ms`;
  if (s < 120) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  return `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

/** `2026-11-22 03:32:23Z` from epoch ms or RFC 3339; the text itself when it is not a time. */
export function time(t: number | string | undefined): string {
  if (t === undefined) return '—';
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) return String(t);
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function millicores(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(2)} CPU` : `${Math.round(m)}m`;
}
