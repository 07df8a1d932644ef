import { DateTime } from 'luxon';
import {
  LocalWindow,
  nextAllowedTime,
  parseQuietHours,
  parseSendWindow,
  SendTimeRules,
} from '../../../src/messaging/policy/quiet-hours';

const QUIET: SendTimeRules = { quietHours: { start: '21:00', end: '08:00' }, sendWindow: null };
const window = (start: string, end: string): SendTimeRules => ({
  quietHours: null,
  sendWindow: { start, end },
});

/** nextAllowedTime as an ISO string, so a failure shows both instants readably. */
function next(at: string, timezone: string | null, rules: SendTimeRules): string {
  return nextAllowedTime(new Date(at), timezone, rules).toISOString();
}

describe('parseQuietHours', () => {
  it.each([
    ['21:00-08:00', { start: '21:00', end: '08:00' }],
    ['09:00-18:00', { start: '09:00', end: '18:00' }],
    ['00:00-23:59', { start: '00:00', end: '23:59' }],
    [' 22:30-06:15 ', { start: '22:30', end: '06:15' }],
  ])('reads %p', (value, expected) => {
    expect(parseQuietHours(value)).toEqual(expected);
  });

  it('reads off as no quiet hours', () => {
    expect(parseQuietHours('off')).toBeNull();
  });

  it.each(['', 'on', 'OFF', '21:00', '9:00-18:00', '24:00-08:00', '21:00-08:60', '21:00 - 08:00'])(
    'refuses %p with a message that shows the expected format',
    (value) => {
      expect(() => parseQuietHours(value)).toThrow(
        `must be HH:MM-HH:MM on a 24-hour clock (e.g. 21:00-08:00) or off, got "${value}"`,
      );
    },
  );
});

describe('parseSendWindow', () => {
  it('has no window when both columns are null', () => {
    expect(parseSendWindow(null, null)).toBeNull();
  });

  it('pairs the two columns', () => {
    expect(parseSendWindow('09:00', '18:00')).toEqual({ start: '09:00', end: '18:00' });
  });

  it.each([
    ['09:00', null],
    [null, '18:00'],
  ])('refuses a half window (%p, %p)', (start, end) => {
    expect(() => parseSendWindow(start, end)).toThrow('send window needs both a start and an end');
  });

  it.each([
    ['9:00', '18:00'],
    ['09:00', '18:0'],
    ['09:00', '24:00'],
  ])('refuses a malformed time (%p, %p)', (start, end) => {
    expect(() => parseSendWindow(start, end)).toThrow('local time must be HH:MM');
  });
});

describe('nextAllowedTime in UTC', () => {
  it('returns an allowed instant unchanged, to the millisecond, as a new Date', () => {
    const at = new Date('2026-06-10T12:34:56.789Z');
    const result = nextAllowedTime(at, null, QUIET);
    expect(result.getTime()).toBe(at.getTime());
    expect(result).not.toBe(at); // the caller may mutate its Date without touching ours
  });

  it.each([
    // [at, expected]
    ['2026-06-10T08:00:00.000Z', '2026-06-10T08:00:00.000Z'], // quiet hours end at 08:00: allowed
    ['2026-06-10T07:59:59.999Z', '2026-06-10T08:00:00.000Z'], // last ms of quiet hours
    ['2026-06-10T00:00:00.000Z', '2026-06-10T08:00:00.000Z'], // after midnight: same morning
    ['2026-06-10T20:59:59.999Z', '2026-06-10T20:59:59.999Z'], // last allowed ms
    ['2026-06-10T21:00:00.000Z', '2026-06-11T08:00:00.000Z'], // quiet hours begin: next morning
    ['2026-06-10T23:30:00.000Z', '2026-06-11T08:00:00.000Z'],
    ['2026-12-31T23:00:00.000Z', '2027-01-01T08:00:00.000Z'], // across the year end
    ['2028-02-28T22:00:00.000Z', '2028-02-29T08:00:00.000Z'], // leap day
  ])('quiet hours 21:00-08:00 at %s → %s', (at, expected) => {
    expect(next(at, null, QUIET)).toBe(expected);
  });

  it.each([
    ['2026-06-10T08:59:00.000Z', '2026-06-10T09:00:00.000Z'],
    ['2026-06-10T09:00:00.000Z', '2026-06-10T09:00:00.000Z'], // start is inside
    ['2026-06-10T17:59:59.999Z', '2026-06-10T17:59:59.999Z'],
    ['2026-06-10T18:00:00.000Z', '2026-06-11T09:00:00.000Z'], // end is outside
    ['2026-06-10T23:59:59.999Z', '2026-06-11T09:00:00.000Z'],
  ])('send window 09:00-18:00 at %s → %s', (at, expected) => {
    expect(next(at, null, window('09:00', '18:00'))).toBe(expected);
  });

  it.each([
    ['2026-06-10T12:00:00.000Z', '2026-06-10T22:00:00.000Z'],
    ['2026-06-10T06:00:00.000Z', '2026-06-10T22:00:00.000Z'], // end is outside
    ['2026-06-10T05:59:59.999Z', '2026-06-10T05:59:59.999Z'],
    ['2026-06-10T22:00:00.000Z', '2026-06-10T22:00:00.000Z'],
    ['2026-06-10T23:59:00.000Z', '2026-06-10T23:59:00.000Z'],
    ['2026-06-11T00:00:00.000Z', '2026-06-11T00:00:00.000Z'], // past midnight, still inside
  ])('send window 22:00-06:00 (across midnight) at %s → %s', (at, expected) => {
    expect(next(at, null, window('22:00', '06:00'))).toBe(expected);
  });

  it('lets the message’s own window override quiet hours', () => {
    const rules: SendTimeRules = {
      quietHours: { start: '21:00', end: '08:00' },
      sendWindow: { start: '22:00', end: '06:00' },
    };
    // 23:00 is quiet, but the message asked for 22:00-06:00.
    expect(next('2026-06-10T23:00:00.000Z', null, rules)).toBe('2026-06-10T23:00:00.000Z');
    // 12:00 is outside quiet hours, but outside the message's window too.
    expect(next('2026-06-10T12:00:00.000Z', null, rules)).toBe('2026-06-10T22:00:00.000Z');
  });

  it.each<[string, SendTimeRules]>([
    ['no rules', { quietHours: null, sendWindow: null }],
    [
      'quiet hours 21:00-21:00 (empty)',
      { quietHours: { start: '21:00', end: '21:00' }, sendWindow: null },
    ],
    ['send window 09:00-09:00 (all day)', window('09:00', '09:00')],
    [
      'send window 09:00-09:00 over quiet hours',
      {
        quietHours: { start: '21:00', end: '08:00' },
        sendWindow: { start: '09:00', end: '09:00' },
      },
    ],
  ])('never holds a message back with %s', (_name, rules) => {
    for (const at of [
      '2026-06-10T03:00:00.000Z',
      '2026-06-10T09:00:00.000Z',
      '2026-06-10T22:00:00.000Z',
    ]) {
      expect(next(at, null, rules)).toBe(at);
    }
  });

  it.each([null, '', 'Mars/Olympus_Mons', 'not a zone'])(
    'judges a null or unknown zone (%p) in UTC',
    (timezone) => {
      expect(next('2026-06-10T23:30:00.000Z', timezone, QUIET)).toBe('2026-06-11T08:00:00.000Z');
    },
  );

  it('refuses an invalid Date', () => {
    expect(() => nextAllowedTime(new Date('nope'), null, QUIET)).toThrow(RangeError);
  });

  it('refuses a malformed window rather than guessing', () => {
    expect(() =>
      nextAllowedTime(new Date('2026-06-10T12:00:00Z'), null, window('9', '18:00')),
    ).toThrow('local time must be HH:MM on a 24-hour clock, got "9"');
  });
});

describe('nextAllowedTime in America/New_York', () => {
  const NY = 'America/New_York';

  it('moves a message due at 23:30 on the eve of spring forward to 08:00 EDT', () => {
    // at 2026-03-07 23:30 EST (UTC-5); the clocks go 02:00 EST → 03:00 EDT on 2026-03-08.
    expect(next('2026-03-08T04:30:00.000Z', NY, QUIET)).toBe('2026-03-08T12:00:00.000Z'); // 08:00 EDT
  });

  it('moves a message due at 23:30 on the eve of fall back to 08:00 EST', () => {
    // at 2026-10-31 23:30 EDT (UTC-4); the clocks go 02:00 EDT → 01:00 EST on 2026-11-01.
    expect(next('2026-11-01T03:30:00.000Z', NY, QUIET)).toBe('2026-11-01T13:00:00.000Z'); // 08:00 EST
  });

  it('uses the offset of the day, not of the moment of asking', () => {
    // at 2026-01-15 23:30 EST, an ordinary winter night.
    expect(next('2026-01-16T04:30:00.000Z', NY, QUIET)).toBe('2026-01-16T13:00:00.000Z'); // 08:00 EST
    // at 2026-07-15 23:30 EDT, an ordinary summer night.
    expect(next('2026-07-16T03:30:00.000Z', NY, QUIET)).toBe('2026-07-16T12:00:00.000Z'); // 08:00 EDT
  });

  it('starts quiet hours at 21:00 local on the evening after fall back', () => {
    // 2026-11-01 20:59:59.999 EST is allowed; 21:00 EST is quiet until 08:00 EST.
    expect(next('2026-11-02T01:59:59.999Z', NY, QUIET)).toBe('2026-11-02T01:59:59.999Z');
    expect(next('2026-11-02T02:00:00.000Z', NY, QUIET)).toBe('2026-11-02T13:00:00.000Z'); // 08:00 EST
  });

  it('opens a window whose start is skipped at the moment the clock jumps (03:00 EDT)', () => {
    // 02:30 does not exist on 2026-03-08; luxon would shift it to 03:30 EDT, but 03:00 EDT
    // already reads inside 02:30-04:00 and is the earliest allowed instant.
    const rules = window('02:30', '04:00');
    expect(next('2026-03-08T06:00:00.000Z', NY, rules)).toBe('2026-03-08T07:00:00.000Z'); // 01:00 EST → 03:00 EDT
    expect(next('2026-03-08T06:59:59.999Z', NY, rules)).toBe('2026-03-08T07:00:00.000Z'); // 01:59:59.999 EST → 03:00 EDT
    expect(next('2026-03-08T07:00:00.000Z', NY, rules)).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT, inside
    expect(next('2026-03-08T08:00:00.000Z', NY, rules)).toBe('2026-03-09T06:30:00.000Z'); // 04:00 EDT → 02:30 EDT next day
  });

  it('uses the next day when the whole window falls in the skipped hour', () => {
    // 02:15-02:45 never reads on the clock on 2026-03-08.
    expect(next('2026-03-08T06:00:00.000Z', NY, window('02:15', '02:45'))).toBe(
      '2026-03-09T06:15:00.000Z', // 02:15 EDT on 2026-03-09
    );
  });

  it('judges the repeated hour of fall back by what the clock reads', () => {
    const rules = window('01:30', '03:00');
    // 00:00 EDT → the first 01:30, still EDT.
    expect(next('2026-11-01T04:00:00.000Z', NY, rules)).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    // 01:45 EDT is inside.
    expect(next('2026-11-01T05:45:00.000Z', NY, rules)).toBe('2026-11-01T05:45:00.000Z');
    // 01:10 EST (the second pass) reads before 01:30 again → the second 01:30.
    expect(next('2026-11-01T06:10:00.000Z', NY, rules)).toBe('2026-11-01T06:30:00.000Z'); // 01:30 EST
  });

  it('finds a window that the clock falls back into', () => {
    // 01:45 EDT is past 01:00-01:30, but at 02:00 EDT the clock reads 01:00 EST again.
    expect(next('2026-11-01T05:45:00.000Z', NY, window('01:00', '01:30'))).toBe(
      '2026-11-01T06:00:00.000Z', // 01:00 EST
    );
  });
});

describe('nextAllowedTime in Australia/Sydney (southern hemisphere)', () => {
  const SYDNEY = 'Australia/Sydney';

  it('moves 23:30 AEDT on the eve of DST ending (2026-04-05, 03:00 → 02:00) to 08:00 AEST', () => {
    // at 2026-04-04 23:30 AEDT (UTC+11)
    expect(next('2026-04-04T12:30:00.000Z', SYDNEY, QUIET)).toBe('2026-04-04T22:00:00.000Z'); // 08:00 AEST (UTC+10)
  });

  it('moves 23:30 AEST on the eve of DST starting (2026-10-04, 02:00 → 03:00) to 08:00 AEDT', () => {
    // at 2026-10-03 23:30 AEST (UTC+10)
    expect(next('2026-10-03T13:30:00.000Z', SYDNEY, QUIET)).toBe('2026-10-03T21:00:00.000Z'); // 08:00 AEDT (UTC+11)
  });

  it('opens a window whose start is skipped at 03:00 AEDT', () => {
    // at 2026-10-04 01:00 AEST; 02:30 does not exist that night.
    expect(next('2026-10-03T15:00:00.000Z', SYDNEY, window('02:30', '04:00'))).toBe(
      '2026-10-03T16:00:00.000Z', // 03:00 AEDT
    );
  });

  it('uses the daylight offset in January', () => {
    // at 2026-01-10 06:00 AEDT
    expect(next('2026-01-09T19:00:00.000Z', SYDNEY, window('09:00', '18:00'))).toBe(
      '2026-01-09T22:00:00.000Z', // 09:00 AEDT
    );
  });
});

describe('nextAllowedTime in Asia/Kolkata (UTC+05:30)', () => {
  const KOLKATA = 'Asia/Kolkata';

  it.each([
    ['2026-05-10T16:30:00.000Z', '2026-05-11T02:30:00.000Z'], // 22:00 IST → 08:00 IST
    ['2026-05-11T02:29:00.000Z', '2026-05-11T02:30:00.000Z'], // 07:59 IST → 08:00 IST
    ['2026-05-10T15:29:59.999Z', '2026-05-10T15:29:59.999Z'], // 20:59:59.999 IST, allowed
    ['2026-05-10T15:30:00.000Z', '2026-05-11T02:30:00.000Z'], // 21:00 IST → 08:00 IST
    ['2026-05-10T18:30:00.000Z', '2026-05-11T02:30:00.000Z'], // 00:00 IST on 05-11 → 08:00 IST
  ])('quiet hours 21:00-08:00 at %s → %s', (at, expected) => {
    expect(next(at, KOLKATA, QUIET)).toBe(expected);
  });

  it('reads a send window on the half-hour offset', () => {
    // at 18:30 IST, past 09:00-18:00 → 09:00 IST next day.
    expect(next('2026-05-10T13:00:00.000Z', KOLKATA, window('09:00', '18:00'))).toBe(
      '2026-05-11T03:30:00.000Z', // 09:00 IST
    );
  });
});

/**
 * A brute-force oracle: the first whole minute at or after `at` whose local time luxon reads
 * inside the allowed hours. Every offset here is a whole number of minutes, so a window can
 * only open on a whole UTC minute.
 */
function bruteForceNext(at: number, zone: string, allowed: LocalWindow): number {
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const [from, to] = [toMinutes(allowed.start), toMinutes(allowed.end)];
  const isAllowed = (ms: number) => {
    const local = DateTime.fromMillis(ms, { zone });
    const minute = local.hour * 60 + local.minute;
    return from < to ? minute >= from && minute < to : minute >= from || minute < to;
  };
  if (isAllowed(at)) return at;
  for (let ms = Math.ceil(at / 60_000) * 60_000; ; ms += 60_000) if (isAllowed(ms)) return ms;
}

describe('nextAllowedTime against a brute-force search around DST changes', () => {
  const cases: [string, string, LocalWindow][] = [
    ['America/New_York', '2026-03-07T12:00:00Z', { start: '02:30', end: '04:00' }],
    ['America/New_York', '2026-03-07T12:00:00Z', { start: '08:00', end: '21:00' }],
    ['America/New_York', '2026-10-31T12:00:00Z', { start: '01:30', end: '01:45' }],
    ['America/New_York', '2026-10-31T12:00:00Z', { start: '22:00', end: '06:00' }],
    ['Australia/Sydney', '2026-04-03T12:00:00Z', { start: '02:15', end: '02:45' }],
    ['Australia/Sydney', '2026-10-02T12:00:00Z', { start: '02:15', end: '02:45' }],
    ['Asia/Kolkata', '2026-05-10T00:00:00Z', { start: '09:00', end: '18:00' }],
  ];

  it.each(cases)('%s from %s, window %o', (zone, from, allowed) => {
    const start = Date.parse(from);
    // Every 53 minutes and 7 seconds over two days: odd steps hit boundaries from all sides.
    for (let at = start; at < start + 2 * 86_400_000; at += 53 * 60_000 + 7_000) {
      const expected = new Date(bruteForceNext(at, zone, allowed)).toISOString();
      const actual = nextAllowedTime(new Date(at), zone, { quietHours: null, sendWindow: allowed });
      expect({ at: new Date(at).toISOString(), next: actual.toISOString() }).toEqual({
        at: new Date(at).toISOString(),
        next: expected,
      });
    }
  });
});
