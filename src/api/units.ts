/**
 * Durations and quantities, shared by the schemas and the allowlist.
 *
 * Durations are Go-style strings ("30s", "5m", "1h30m"), as Chaos Mesh and kubectl flags write them: people read
 * and write them without arithmetic. A field that Kubernetes itself names in a unit keeps the unit in its name
 * (`ttlSecondsAfterFinished`, as on a Job), so each field looks like its nearest neighbour in the ecosystem.
 */
export const DURATION_PATTERN = '^([0-9]{1,6}(ms|s|m|h))+$';
const durationRe = new RegExp(DURATION_PATTERN);
const durationPart = /([0-9]+)(ms|s|m|h)/g;
const durationUnitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go-style duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!durationRe.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(durationPart)) total += Number(n) * (durationUnitMs[unit as string] as number);
  return total;
}

/** The canonical spelling of a duration in milliseconds: the largest units first, no zero parts ("90s" -> "1m30s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

/** Kubernetes resource quantities, without exponents (which no tool argument needs). */
export const QUANTITY_PATTERN = '^[0-9]{1,15}(\\.[0-9]{1,6})?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P|m)?$';
const quantityRe = /^([0-9]{1,15}(?:\.[0-9]{1,6})?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P|m)?$/;
const quantityFactor: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** The numeric value of a quantity (bytes for memory, cores for CPU), or undefined when the text is not one. */
export function parseQuantity(text: string): number | undefined {
  const m = quantityRe.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (quantityFactor[m[2] ?? ''] as number);
}
