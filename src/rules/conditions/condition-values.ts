import { DateTime, Duration } from 'luxon';
import type { Scalar } from './condition.types';

/**
 * The ISO-8601 forms a condition accepts as a date, both in a rule's `value` and inside a JSON
 * attribute: a calendar date (midnight UTC) or a date-time with an explicit offset. SQL runs
 * the very same pattern before it casts an attribute to timestamptz, so a string never makes
 * a query fail and both sides accept exactly the same strings. It is narrower than luxon on
 * purpose: an offset-less time would depend on the server's zone, luxon reads `24:00` and bare
 * times ("10:00" = today), and Postgres reads leap seconds and offsets luxon does not. Years are
 * 1000–2999 so that neither side meets its range limits. `[0-9]`, not `\d`: Postgres's `\d`
 * follows the locale and may match non-ASCII digits.
 */
export const ISO_INSTANT_SOURCE =
  '^[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])' +
  '(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9]))?$';
const ISO_INSTANT = new RegExp(ISO_INSTANT_SOURCE);

/**
 * Epoch milliseconds of a string in the accepted form that is also a real calendar date
 * (luxon refuses 2025-02-29, as Postgres does), else null. Fractions below a millisecond are
 * dropped, as SQL's date_trunc('milliseconds', …) does.
 */
export function parseIsoInstant(text: string): number | null {
  if (!ISO_INSTANT.test(text)) return null;
  const parsed = DateTime.fromISO(text, { zone: 'utc' });
  return parsed.isValid ? parsed.toMillis() : null;
}

/**
 * A date fact as epoch milliseconds: a Date (what pg returns for timestamptz) or an ISO string
 * (event payloads). Facts are our own data, not rule input, so any ISO form luxon reads is
 * taken, offset-less ones as UTC.
 */
export function factInstant(value: unknown): number | null {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? null : ms;
  }
  if (typeof value !== 'string') return null;
  const parsed = DateTime.fromISO(value, { zone: 'utc' });
  return parsed.isValid ? parsed.toMillis() : null;
}

/** Longer than any sensible retention window; keeps now − D inside both date ranges. */
const MAX_DURATION_YEARS = 200;

/**
 * A positive ISO-8601 duration, or null. luxon also reads "P", "PT", "P1DT" and negative parts
 * ("P-1D"); none of those mean "some time ago".
 */
export function parsePositiveDuration(text: string): Duration | null {
  const duration = Duration.fromISO(text);
  if (!duration.isValid || !/[0-9][YMWDHS]$/.test(text)) return null;
  const parts = Object.values(duration.toObject());
  if (parts.some((n) => n < 0) || !parts.some((n) => n > 0)) return null;
  if (duration.as('years') > MAX_DURATION_YEARS) return null;
  return duration;
}

/**
 * now − duration, in UTC (so "P1D" is 24 hours whatever the server's zone, and months count
 * from the UTC calendar), to whole milliseconds. Both the evaluator and the SQL compiler call
 * this, so they agree on the cutoff to the millisecond.
 */
export function cutoffBefore(now: Date, duration: Duration): Date {
  return new Date(Math.floor(DateTime.fromJSDate(now, { zone: 'utc' }).minus(duration).toMillis()));
}

/**
 * Code-point order, as Postgres's "C" collation on UTF-8 has it. JS `<` compares UTF-16 units,
 * which puts an astral character (a surrogate pair, D800–DFFF) before U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate starts (or, after an equal high half, ends) a code point above U+FFFF.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Text Postgres can store and compare: no NUL (text and jsonb refuse it) and no unpaired
 * surrogate (which the driver would turn into U+FFFD, so SQL would compare another string).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !/\p{Surrogate}/u.test(text);
}

const NUMERIC_TEXT = /^-?[0-9]+(\.[0-9]+)?$/;

/** A number fact: a finite number, or the string pg returns for numeric ("12.50"). */
export function factNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) return Number(value);
  return null;
}

export const isScalar = (value: unknown): value is Scalar =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

/**
 * JSON equality of any JSON value with a scalar, as jsonb `=` has it: same JSON type and equal
 * value (numbers by value, so 5 and 5.0 are equal; "5" is not 5).
 */
export const jsonEqualsScalar = (json: unknown, scalar: Scalar): boolean =>
  typeof json === typeof scalar && json === scalar;
