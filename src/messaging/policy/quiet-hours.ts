import { Zone } from 'luxon';
import { zoneOrUtc } from '../../common/time/zones';

/**
 * A daily span of customer-local wall-clock time, `HH:MM` on a 24-hour clock. The span is
 * half-open, [start, end): with 09:00-18:00, 09:00 is inside and 18:00 is not. A window whose
 * end is before its start crosses midnight (21:00-08:00 covers 21:00 to 07:59:59.999).
 * A window whose start equals its end is treated as empty when it forbids and as the whole day
 * when it allows: in both cases it never holds a message back (see `allowedSpan`).
 */
export type LocalWindow = { start: string; end: string };

/**
 * What limits the local time of day at which a message may go out:
 * - `quietHours`: forbidden hours (the `QUIET_HOURS` setting), or null for none;
 * - `sendWindow`: the message's own allowed hours; when given it replaces quiet hours, because
 *   a marketer who chose 09:00-18:00 has already decided when the customer should hear from us.
 */
export type SendTimeRules = { quietHours: LocalWindow | null; sendWindow: LocalWindow | null };

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Offset segments a search may cross: a few DST transitions, far more than a day can hold. */
const MAX_SEGMENTS = 16;

/**
 * Parses `21:00-08:00` into a window, or `off` into null. Throws an Error whose message fits
 * after a variable name ("QUIET_HOURS: must be ...").
 */
export function parseQuietHours(value: string): LocalWindow | null {
  const text = value.trim();
  if (text === 'off') return null;
  const match = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(text);
  if (!match || !LOCAL_TIME.test(match[1]) || !LOCAL_TIME.test(match[2])) {
    throw new Error(
      `must be HH:MM-HH:MM on a 24-hour clock (e.g. 21:00-08:00) or off, got "${value}"`,
    );
  }
  return { start: match[1], end: match[2] };
}

/**
 * The send window stored on a message (`window_start`, `window_end`): both null means none.
 * Exactly one null, or a value that is not HH:MM, is corrupt data and throws rather than
 * silently sending at a time nobody chose.
 */
export function parseSendWindow(start: string | null, end: string | null): LocalWindow | null {
  if (start === null && end === null) return null;
  if (start === null || end === null) {
    throw new Error(
      `send window needs both a start and an end, got start=${String(start)} end=${String(end)}`,
    );
  }
  minutesOf(start); // throws on a malformed time
  minutesOf(end);
  return { start, end };
}

/**
 * The earliest instant at or after `at` at which the local time of day in `timezone` is
 * allowed by `rules`. An allowed `at` comes back unchanged (a new Date with the same ms).
 *
 * Local time means the wall clock of the customer's IANA zone; a null, empty or unknown zone
 * falls back to UTC. Daylight-saving changes are followed exactly:
 * - an allowed period that starts inside a skipped hour (02:30 on a spring-forward day) opens
 *   at the first real instant whose wall clock is past its start, i.e. the moment of the
 *   change (03:00 new time) — not luxon's shifted 03:30, which is later than necessary; if the
 *   whole allowed period is skipped (02:15-02:45), the next day's period is used;
 * - when the clock falls back, the wall clock is judged as it reads: 01:10 on the second pass
 *   is 01:10 again, so a 01:30 start is reached twice that night.
 */
export function nextAllowedTime(at: Date, timezone: string | null, rules: SendTimeRules): Date {
  const start = at.getTime();
  if (!Number.isFinite(start)) throw new RangeError('nextAllowedTime: `at` is an invalid Date');
  const span = allowedSpan(rules);
  if (span === null) return new Date(start);
  const zone = zoneOf(timezone);

  // Walk segments of constant UTC offset: inside one the wall clock runs with real time, so
  // the wait until the allowed span opens is plain arithmetic; a DST change restarts the sum.
  let t = start;
  for (let segment = 0; segment < MAX_SEGMENTS; segment++) {
    const offset = offsetMs(zone, t);
    const wait = msUntilAllowed(t + offset, span);
    if (wait === 0) return new Date(t);
    const candidate = t + wait;
    if (offsetMs(zone, candidate) === offset) return new Date(candidate);
    t = firstOffsetChange(zone, t, candidate, offset);
  }
  throw new Error(`nextAllowedTime: no allowed time found after ${at.toISOString()}`);
}

/** Allowed span of the day in ms after local midnight, [from, to); null when nothing is forbidden. */
type Span = { from: number; to: number };

function allowedSpan(rules: SendTimeRules): Span | null {
  if (rules.sendWindow) {
    const from = minutesOf(rules.sendWindow.start) * MINUTE_MS;
    const to = minutesOf(rules.sendWindow.end) * MINUTE_MS;
    // 09:00-09:00 could mean "no time" or "all day"; a window that never opens would hold the
    // message until it expires, so it is read as all day.
    return from === to ? null : { from, to };
  }
  if (rules.quietHours) {
    const quietFrom = minutesOf(rules.quietHours.start) * MINUTE_MS;
    const quietTo = minutesOf(rules.quietHours.end) * MINUTE_MS;
    // Quiet 21:00-08:00 is allowed 08:00-21:00; quiet 21:00-21:00 forbids nothing.
    return quietFrom === quietTo ? null : { from: quietTo, to: quietFrom };
  }
  return null;
}

/** 0 when the wall-clock time is inside the span, else the ms until the span next opens. */
function msUntilAllowed(wallMs: number, span: Span): number {
  const ofDay = ((wallMs % DAY_MS) + DAY_MS) % DAY_MS;
  const inside =
    span.from < span.to
      ? ofDay >= span.from && ofDay < span.to
      : ofDay >= span.from || ofDay < span.to;
  return inside ? 0 : (span.from - ofDay + DAY_MS) % DAY_MS;
}

/** The first instant in (low, high] whose offset differs from `offset`, which `high`'s does. */
function firstOffsetChange(zone: Zone, low: number, high: number, offset: number): number {
  let lo = low;
  let hi = high;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetMs(zone, mid) === offset) lo = mid;
    else hi = mid;
  }
  return hi;
}

function offsetMs(zone: Zone, ts: number): number {
  return zone.offset(ts) * MINUTE_MS;
}

function zoneOf(timezone: string | null): Zone {
  return zoneOrUtc(timezone || null);
}

function minutesOf(time: string): number {
  const match = LOCAL_TIME.exec(time);
  if (!match) throw new Error(`local time must be HH:MM on a 24-hour clock, got "${time}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}
