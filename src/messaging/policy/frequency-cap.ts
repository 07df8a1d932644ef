import { Duration } from 'luxon';

/**
 * At most `count` marketing messages in any rolling `windowMs`, and at least `minGapMs`
 * between two of them. Both spans are elapsed time (P1D is 24 hours even across a DST change).
 */
export type FrequencyCap = { count: number; windowMs: number; minGapMs: number };

export type CapCheck = { allowed: true } | { allowed: false; earliest: Date };

const FORMAT = 'COUNT/WINDOW[,MIN_GAP] with ISO-8601 durations (e.g. 3/P7D,PT16H) or off';
/** Only fixed-length units: a month or a year has no fixed number of ms to roll a window by. */
const FIXED_UNITS = ['weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'] as const;

/**
 * Parses `3/P7D,PT16H` (3 per rolling 7 days, 16 hours apart), `3/P7D` (no minimum gap) or
 * `off` (null). Throws an Error whose message fits after a variable name
 * ("FREQUENCY_CAP: must be ...").
 */
export function parseFrequencyCap(value: string): FrequencyCap | null {
  const text = value.trim();
  if (text === 'off') return null;
  const match = /^(\d+)\/([^,]+)(?:,([^,]+))?$/.exec(text);
  if (!match) throw new Error(`must be ${FORMAT}, got "${value}"`);
  const count = Number(match[1]);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new Error(
      `count must be a whole number of at least 1 (use "off" for no cap), got "${value}"`,
    );
  }
  const windowMs = durationMs(match[2], 'window', value);
  if (windowMs <= 0) throw new Error(`window must be longer than zero, got "${value}"`);
  const minGapMs = match[3] === undefined ? 0 : durationMs(match[3], 'minimum gap', value);
  return { count, windowMs, minGapMs };
}

/**
 * Whether one more marketing message may go out at `now`. `recentSends` are the customer's
 * marketing sends in any order (older ones are ignored; ones stamped after `now`, from a
 * worker whose clock runs ahead, count as recent).
 *
 * Boundaries are inclusive for the message: a send exactly `minGapMs` ago, or exactly
 * `windowMs` ago, no longer holds it back. So `earliest` is itself allowed.
 */
export function capCheck(cap: FrequencyCap | null, recentSends: Date[], now: Date): CapCheck {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('capCheck: `now` is an invalid Date');
  if (cap === null) return { allowed: true };
  const sends = recentSends.map((send) => send.getTime());
  if (sends.some((ms) => !Number.isFinite(ms))) {
    // A corrupt timestamp must not quietly shrink the count and let a message through.
    throw new RangeError('capCheck: recentSends contains an invalid Date');
  }

  let earliest = -Infinity;
  if (cap.minGapMs > 0 && sends.length > 0) earliest = Math.max(...sends) + cap.minGapMs;
  const inWindow = sends.filter((ms) => ms > nowMs - cap.windowMs).sort((a, b) => b - a);
  if (inWindow.length >= cap.count) {
    // The window frees a place when the count-th most recent send falls out of it.
    earliest = Math.max(earliest, inWindow[cap.count - 1] + cap.windowMs);
  }
  return earliest > nowMs ? { allowed: false, earliest: new Date(earliest) } : { allowed: true };
}

function durationMs(text: string, part: string, value: string): number {
  const duration = Duration.fromISO(text);
  // luxon also reads "P", "PT" and "P1DT"; a duration must end in a number and a unit.
  if (!duration.isValid || !/\d[YMWDHS]$/i.test(text)) {
    throw new Error(
      `${part} "${text}" is not an ISO-8601 duration such as P7D or PT16H; must be ${FORMAT}, got "${value}"`,
    );
  }
  const units = duration.toObject();
  const unfixed = Object.keys(units).filter(
    (unit) => !(FIXED_UNITS as readonly string[]).includes(unit),
  );
  if (unfixed.length > 0) {
    throw new Error(
      `${part} "${text}" uses ${unfixed.join(', ')}, which have no fixed length; use weeks, days, hours, minutes or seconds (e.g. P30D), got "${value}"`,
    );
  }
  if (Object.values(units).some((amount) => (amount ?? 0) < 0)) {
    throw new Error(`${part} "${text}" must not be negative, got "${value}"`);
  }
  return duration.toMillis();
}
