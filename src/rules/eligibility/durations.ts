import { DateTime, Duration, Zone } from 'luxon';

/**
 * ISO-8601 durations and IANA zones as the rule engine reads them. The rule validator and the
 * eligibility functions share these, so every value the API accepts is one the engine can use,
 * and a stored value the engine cannot use is caught as corrupt rather than guessed at.
 */

/**
 * Units whose length depends on the calendar (a day is 23 or 25 hours across a DST change, a
 * month 28 to 31 days). A fraction of one has no single meaning, so `P1.5D` is refused; write
 * `P1DT12H`. Fractions of hours, minutes and seconds are exact and allowed (`PT0.5S`).
 */
const CALENDAR_UNITS = ['years', 'quarters', 'months', 'weeks', 'days'] as const;

/**
 * A positive ISO-8601 duration (`PT30S`, `P3D`, `P1M`), or null for anything else: malformed,
 * zero (`PT0S`: a delay or window of nothing is a mistake, write no value instead), negative in
 * any part (`-P1D`, `PT1H-30M`: rules only ever look forward), or a fraction of a calendar unit.
 */
export function parseDuration(iso: string): Duration | null {
  const known = parsed.get(iso);
  if (known !== undefined) return known;
  const duration = parseFresh(iso);
  if (parsed.size >= 1_000) parsed.clear();
  parsed.set(iso, duration);
  return duration;
}

/**
 * Answers of `parseDuration` (luxon Durations are immutable, so one can be shared): a rule run
 * asks for the same few delays and windows once per customer, a million times.
 */
const parsed = new Map<string, Duration | null>();

function parseFresh(iso: string): Duration | null {
  const duration = Duration.fromISO(iso);
  if (!duration.isValid) return null;
  const parts = Object.entries(duration.toObject()) as [string, number][];
  if (parts.some(([, value]) => !Number.isFinite(value) || value < 0)) return null;
  if (!parts.some(([, value]) => value > 0)) return null;
  const calendar: readonly string[] = CALENDAR_UNITS;
  if (parts.some(([unit, value]) => calendar.includes(unit) && !Number.isInteger(value))) {
    return null;
  }
  return duration;
}

export function isValidDuration(iso: string): boolean {
  return parseDuration(iso) !== null;
}

/**
 * `parseDuration` for a value that was validated when it was saved: a value that no longer
 * parses is corrupt data, and throwing beats entering or sending at a time nobody chose.
 */
export function requireDuration(iso: string, what: string): Duration {
  const duration = parseDuration(iso);
  if (duration === null) {
    throw new Error(`${what} must be a positive ISO-8601 duration such as P3D, got "${iso}"`);
  }
  return duration;
}

// Zones are shared with delivery, templates and validation: see common/time/zones.ts.
export { isValidTimezone, zoneOrUtc } from '../../common/time/zones';

/**
 * `at` + `duration`, with calendar units (days, weeks, months, years) counted on the wall clock
 * of `zone` and time units (hours, minutes, seconds) counted in elapsed time — luxon's rule.
 * So `P1D` keeps the local time across a DST change (23 or 25 real hours), `PT24H` does not;
 * `P1M` from 31 January ends on the last day of February. Never reads the process time zone.
 */
export function addDuration(at: Date, duration: Duration, zone: Zone): Date {
  if (!Number.isFinite(at.getTime())) throw new RangeError('addDuration: `at` is an invalid Date');
  // Hours, minutes and seconds only: elapsed time, the same in every zone (no luxon needed).
  const elapsed = elapsedMsOf(duration);
  if (elapsed !== null) return new Date(at.getTime() + elapsed);
  const key = `${at.getTime()} ${zone.name} ${isoOf(duration)}`;
  const known = recentSums.get(key);
  if (known !== undefined) return new Date(known);
  const sum = DateTime.fromJSDate(at, { zone }).plus(duration).toJSDate();
  if (recentSums.size >= 10_000) recentSums.clear();
  recentSums.set(key, sum.getTime());
  return sum;
}

/**
 * Recent answers of `addDuration`, a pure function whose luxon arithmetic (an Intl offset
 * lookup per step) is the costly part of admitting a customer. A schedule run adds the same
 * delay to the same tick for every customer of a zone, so nearly every call is answered here.
 */
const recentSums = new Map<string, number>();

/** The length in ms of a duration made of time units only; null when it has calendar units. */
function elapsedMsOf(duration: Duration): number | null {
  let ms = elapsedCache.get(duration);
  if (ms === undefined) {
    const calendar: readonly string[] = CALENDAR_UNITS;
    const parts = Object.entries(duration.toObject()) as [string, number][];
    ms = parts.some(([unit, value]) => calendar.includes(unit) && value !== 0)
      ? null
      : duration.as('milliseconds');
    elapsedCache.set(duration, ms);
  }
  return ms;
}
const elapsedCache = new WeakMap<Duration, number | null>();

/** `duration.toISO()`, once per Duration (the shared ones of `parseDuration`). */
function isoOf(duration: Duration): string {
  let iso = isoCache.get(duration);
  if (iso === undefined) {
    iso = duration.toISO() ?? '';
    isoCache.set(duration, iso);
  }
  return iso;
}
const isoCache = new WeakMap<Duration, string>();
