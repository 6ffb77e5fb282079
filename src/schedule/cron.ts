/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), in UTC, with Vixie cron's meaning:
 * `*`, numbers, ranges `a-b`, steps `*\/n` `a-b/n` `a/n`, lists, month and weekday names, 7 = Sunday; when both
 * day fields are restricted a day matches either (as crontab(5) says). Small enough to own rather than depend on,
 * and pure: `next` and `prev` walk by the coarsest field that does not match, so a search spans years in a few
 * thousand steps.
 */
export interface Cron {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  /** Both day fields restricted: a day matches when either does. */
  eitherDay: boolean;
}

const MINUTE = 60_000;
/** Five years of steps; an expression that never fires (30 February) ends the search instead of looping. */
const MAX_STEPS = 200_000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesFrom?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: WEEKDAYS, namesFrom: 0 },
];

function value(text: string, f: FieldSpec): number {
  const named = f.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (f.namesFrom ?? 0);
  if (!/^\d{1,2}$/.test(text)) throw new Error(`${f.name}: "${text}" is not a number${f.names ? ' or a name' : ''}`);
  const n = Number(text);
  if (n < f.min || n > f.max) throw new Error(`${f.name}: ${n} is outside ${f.min}-${f.max}`);
  return n;
}

function field(text: string, f: FieldSpec): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (range === undefined || range === '' || extra !== undefined) throw new Error(`${f.name}: "${part}" is not a value, range or step`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || !/^\d+$/.test(stepText ?? '1'))
      throw new Error(`${f.name}: step "${stepText}" must be a positive integer`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [f.min, f.max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = value(a ?? '', f);
      hi = value(b ?? '', f);
      if (lo > hi) throw new Error(`${f.name}: range "${range}" runs backwards`);
    } else {
      lo = value(range, f);
      // "a/n" means from a to the end, every n (as Vixie cron reads it).
      hi = stepText === undefined ? lo : f.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parses an expression; a bad one throws with the field and what it allows. */
export function parseCron(expression: string): Cron {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new Error(`a cron expression has 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => field(p, FIELDS[i] as FieldSpec)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (weekdays.delete(7)) weekdays.add(0);
  return { minutes, hours, days, months, weekdays, eitherDay: parts[2] !== '*' && parts[4] !== '*' };
}

function dayMatches(c: Cron, d: Date): boolean {
  const dom = c.days.has(d.getUTCDate());
  const dow = c.weekdays.has(d.getUTCDay());
  return c.eitherDay ? dom || dow : dom && dow;
}

/** The first firing strictly after `after`, or undefined when there is none within five years. */
export function nextFiring(c: Cron, after: Date): Date | undefined {
  let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
  for (let i = 0; i < MAX_STEPS; i++) {
    const d = new Date(t);
    const [y, m, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
    if (!c.months.has(m + 1)) t = Date.UTC(y, m + 1, 1);
    else if (!dayMatches(c, d)) t = Date.UTC(y, m, day + 1);
    else if (!c.hours.has(h)) t = Date.UTC(y, m, day, h + 1);
    else if (!c.minutes.has(d.getUTCMinutes())) t += MINUTE;
    else return d;
  }
  return undefined;
}

/** The last firing at or before `at`, or undefined when there is none within five years. */
export function prevFiring(c: Cron, at: Date): Date | undefined {
  let t = Math.floor(at.getTime() / MINUTE) * MINUTE;
  for (let i = 0; i < MAX_STEPS; i++) {
    const d = new Date(t);
    const [y, m, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
    if (!c.months.has(m + 1)) t = Date.UTC(y, m, 1) - MINUTE;
    else if (!dayMatches(c, d)) t = Date.UTC(y, m, day) - MINUTE;
    else if (!c.hours.has(h)) t = Date.UTC(y, m, day, h) - MINUTE;
    else if (!c.minutes.has(d.getUTCMinutes())) t -= MINUTE;
    else return d;
  }
  return undefined;
}
