import fc from 'fast-check';
import { DateTime, Duration } from 'luxon';
import { LocalWindow } from '../../../../src/messaging/policy/quiet-hours';
import { sendTime } from '../../../../src/rules/eligibility';

/** sendTime as an ISO string, so a failure shows both instants readably. */
function send(
  triggerAt: string,
  delay: string | null,
  timezone: string | null,
  sendWindow: LocalWindow | null = null,
): string {
  return sendTime({ triggerAt: new Date(triggerAt), delay, timezone, sendWindow }).toISOString();
}

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const OFFICE: LocalWindow = { start: '09:00', end: '18:00' };
const LATE: LocalWindow = { start: '22:00', end: '02:00' };

describe('sendTime without a window', () => {
  it('sends at the trigger when there is no delay, as a new Date', () => {
    const triggerAt = new Date('2026-06-10T12:34:56.789Z');
    const result = sendTime({ triggerAt, delay: null, timezone: NY, sendWindow: null });
    expect(result.getTime()).toBe(triggerAt.getTime());
    expect(result).not.toBe(triggerAt);
  });

  it.each([
    ['PT30S', '2026-06-10T12:00:30.000Z'],
    ['PT90M', '2026-06-10T13:30:00.000Z'],
    ['P3D', '2026-06-13T12:00:00.000Z'],
    ['P1W', '2026-06-17T12:00:00.000Z'],
    ['P1DT2H', '2026-06-11T14:00:00.000Z'],
  ])('adds %s', (delay, expected) => {
    expect(send('2026-06-10T12:00:00.000Z', delay, null)).toBe(expected);
  });

  it('adds a month by the calendar in the customer’s zone', () => {
    // 2026-01-31 10:00 IST + P1M → 2026-02-28 10:00 IST.
    expect(send('2026-01-31T04:30:00.000Z', 'P1M', 'Asia/Kolkata')).toBe(
      '2026-02-28T04:30:00.000Z',
    );
  });

  it.each([null, '', 'Mars/Olympus_Mons'])('adds the delay in UTC for zone %p', (timezone) => {
    // In New York this P1D would be 23 hours; in UTC it is 24.
    expect(send('2026-03-07T15:00:00.000Z', 'P1D', timezone)).toBe('2026-03-08T15:00:00.000Z');
  });
});

describe('sendTime across DST changes in America/New_York', () => {
  it('keeps the local time for P1D over spring forward (23 real hours)', () => {
    // 2026-03-07 10:00 EST → 2026-03-08 10:00 EDT.
    expect(send('2026-03-07T15:00:00.000Z', 'P1D', NY)).toBe('2026-03-08T14:00:00.000Z');
  });

  it('counts PT24H as elapsed time over spring forward (11:00 EDT)', () => {
    expect(send('2026-03-07T15:00:00.000Z', 'PT24H', NY)).toBe('2026-03-08T15:00:00.000Z');
  });

  it('keeps the local time for P1D over fall back (25 real hours)', () => {
    // 2026-10-31 10:00 EDT → 2026-11-01 10:00 EST.
    expect(send('2026-10-31T14:00:00.000Z', 'P1D', NY)).toBe('2026-11-01T15:00:00.000Z');
  });

  it('keeps the local time for P3D over fall back, then applies the window', () => {
    // 2026-10-30 20:00 EDT + P3D = 2026-11-02 20:00 EST, after 18:00 → 2026-11-03 09:00 EST.
    expect(send('2026-10-31T00:00:00.000Z', 'P3D', NY, OFFICE)).toBe('2026-11-03T14:00:00.000Z');
  });

  it('moves a local time that the spring-forward gap skips forward by the gap', () => {
    // 2026-03-07 02:30 EST + P1D: 02:30 does not exist on 2026-03-08 → 03:30 EDT.
    expect(send('2026-03-07T07:30:00.000Z', 'P1D', NY)).toBe('2026-03-08T07:30:00.000Z');
  });

  it('uses the first of the two 01:30s when the clock falls back', () => {
    // 2026-10-31 01:30 EDT + P1D: 01:30 happens twice on 2026-11-01 → 01:30 EDT.
    expect(send('2026-10-31T05:30:00.000Z', 'P1D', NY)).toBe('2026-11-01T05:30:00.000Z');
  });

  it('reads the window on the new offset after the change', () => {
    // 2026-03-07 19:00 EST + P1D = 2026-03-08 19:00 EDT → 09:00 EDT next day.
    expect(send('2026-03-08T00:00:00.000Z', 'P1D', NY, OFFICE)).toBe('2026-03-09T13:00:00.000Z');
  });
});

describe('sendTime across DST changes in Europe/Berlin', () => {
  it('keeps the local time for P1D over spring forward', () => {
    // 2026-03-28 10:00 CET → 2026-03-29 10:00 CEST.
    expect(send('2026-03-28T09:00:00.000Z', 'P1D', BERLIN)).toBe('2026-03-29T08:00:00.000Z');
  });

  it('moves 02:30 in the gap to 03:30 CEST, then into the window', () => {
    // 2026-03-28 02:30 CET + P1D → 2026-03-29 03:30 CEST (02:30 does not exist).
    expect(send('2026-03-28T01:30:00.000Z', 'P1D', BERLIN)).toBe('2026-03-29T01:30:00.000Z');
    // With 09:00-18:00 → 09:00 CEST.
    expect(send('2026-03-28T01:30:00.000Z', 'P1D', BERLIN, OFFICE)).toBe(
      '2026-03-29T07:00:00.000Z',
    );
  });

  it('opens a window whose start is skipped at the moment of the change (03:00 CEST)', () => {
    // 2026-03-29 00:00 CET, window 02:30-04:00: 02:30 never reads on the clock that night.
    expect(send('2026-03-28T23:00:00.000Z', null, BERLIN, { start: '02:30', end: '04:00' })).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('keeps the local time for P1D over fall back, choosing the first 02:30', () => {
    // 2026-10-24 02:30 CEST + P1D: 02:30 happens twice on 2026-10-25 → 02:30 CEST.
    expect(send('2026-10-24T00:30:00.000Z', 'P1D', BERLIN)).toBe('2026-10-25T00:30:00.000Z');
    // 2026-10-24 12:00 CEST + P1D → 2026-10-25 12:00 CET, 25 hours later.
    expect(send('2026-10-24T10:00:00.000Z', 'P1D', BERLIN)).toBe('2026-10-25T11:00:00.000Z');
  });

  it('finds a window that the clock falls back into', () => {
    // 2026-10-25 02:45 CEST is past 02:00-02:30, but at 03:00 CEST the clock reads 02:00 CET.
    expect(send('2026-10-25T00:45:00.000Z', null, BERLIN, { start: '02:00', end: '02:30' })).toBe(
      '2026-10-25T01:00:00.000Z',
    );
  });
});

describe('sendTime with a window across midnight (22:00-02:00)', () => {
  it.each([
    ['2026-06-10T12:00:00.000Z', '2026-06-10T22:00:00.000Z'], // before: tonight at 22:00
    ['2026-06-10T21:59:59.999Z', '2026-06-10T22:00:00.000Z'],
    ['2026-06-10T22:00:00.000Z', '2026-06-10T22:00:00.000Z'], // start is inside
    ['2026-06-10T23:30:00.000Z', '2026-06-10T23:30:00.000Z'],
    ['2026-06-11T00:00:00.000Z', '2026-06-11T00:00:00.000Z'], // past midnight, still inside
    ['2026-06-11T01:59:59.999Z', '2026-06-11T01:59:59.999Z'],
    ['2026-06-11T02:00:00.000Z', '2026-06-11T22:00:00.000Z'], // end is outside
  ])('in UTC at %s → %s', (at, expected) => {
    expect(send(at, null, null, LATE)).toBe(expected);
  });

  it('reads it on the customer’s clock', () => {
    // 2026-06-10 12:00 EDT → 22:00 EDT.
    expect(send('2026-06-10T16:00:00.000Z', null, NY, LATE)).toBe('2026-06-11T02:00:00.000Z');
    // 2026-06-11 01:00 EDT (05:00Z, outside in UTC) is inside in New York: unchanged.
    expect(send('2026-06-11T05:00:00.000Z', null, NY, LATE)).toBe('2026-06-11T05:00:00.000Z');
  });

  it('applies the delay before the window', () => {
    // 2026-06-10 21:00 UTC + PT2H = 23:00, inside; + PT6H = 03:00, outside → 22:00.
    expect(send('2026-06-10T21:00:00.000Z', 'PT2H', null, LATE)).toBe('2026-06-10T23:00:00.000Z');
    expect(send('2026-06-10T21:00:00.000Z', 'PT6H', null, LATE)).toBe('2026-06-11T22:00:00.000Z');
  });
});

describe('sendTime in far zones', () => {
  // The same instant, 2026-06-10 12:00 UTC, is 02:00 on 11 June on Kiritimati (UTC+14) and
  // 01:00 on 10 June in Pago Pago (UTC-11): 25 hours of wall clock apart.
  it('moves to 09:00 on 11 June on Kiritimati', () => {
    expect(send('2026-06-10T12:00:00.000Z', null, 'Pacific/Kiritimati', OFFICE)).toBe(
      '2026-06-10T19:00:00.000Z',
    );
  });

  it('moves to 09:00 on 10 June in Pago Pago', () => {
    expect(send('2026-06-10T12:00:00.000Z', null, 'Pacific/Pago_Pago', OFFICE)).toBe(
      '2026-06-10T20:00:00.000Z',
    );
  });

  it('adds a day on the local calendar on both sides of the date line', () => {
    // Kiritimati: 11 June 02:00 + P1D = 12 June 02:00 → 09:00 local.
    expect(send('2026-06-10T12:00:00.000Z', 'P1D', 'Pacific/Kiritimati', OFFICE)).toBe(
      '2026-06-11T19:00:00.000Z',
    );
    // Pago Pago: 10 June 19:00 + P1D = 11 June 19:00, after 18:00 → 12 June 09:00 local.
    expect(send('2026-06-11T06:00:00.000Z', 'P1D', 'Pacific/Pago_Pago', OFFICE)).toBe(
      '2026-06-12T20:00:00.000Z',
    );
  });

  it('leaves an instant already inside the window alone', () => {
    // 2026-06-10 10:00 on Kiritimati.
    expect(send('2026-06-09T20:00:00.000Z', null, 'Pacific/Kiritimati', OFFICE)).toBe(
      '2026-06-09T20:00:00.000Z',
    );
  });
});

describe('sendTime with no or unknown zone', () => {
  it.each([null, 'Mars/Olympus_Mons'])('reads the window in UTC for %p', (timezone) => {
    // 2026-06-10 20:00 UTC + P1D = 06-11 20:00, after 18:00 → 06-12 09:00 UTC.
    expect(send('2026-06-10T20:00:00.000Z', 'P1D', timezone, OFFICE)).toBe(
      '2026-06-12T09:00:00.000Z',
    );
  });
});

describe('sendTime refuses what it cannot schedule', () => {
  it('refuses an invalid trigger time', () => {
    expect(() =>
      sendTime({ triggerAt: new Date('nope'), delay: null, timezone: null, sendWindow: null }),
    ).toThrow(RangeError);
  });

  it.each(['', '3 days', 'PT0S', '-P1D', 'P1.5D'])('refuses the delay %p', (delay) => {
    expect(() => send('2026-06-10T12:00:00.000Z', delay, null)).toThrow(
      `delay must be a positive ISO-8601 duration such as P3D, got "${delay}"`,
    );
  });

  it('refuses a malformed window', () => {
    expect(() =>
      send('2026-06-10T12:00:00.000Z', null, null, { start: '9:00', end: '18:00' }),
    ).toThrow('local time must be HH:MM');
  });

  it('treats a window whose start equals its end as all day, like the delivery check', () => {
    expect(send('2026-06-10T03:00:00.000Z', null, null, { start: '09:00', end: '09:00' })).toBe(
      '2026-06-10T03:00:00.000Z',
    );
  });
});

describe('sendTime properties', () => {
  const ZONES = [
    null,
    'UTC',
    NY,
    BERLIN,
    'Asia/Kolkata',
    'Australia/Sydney',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
  ];
  const hhmm = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

  it('lands inside the window, no earlier than trigger + delay, unchanged when already inside', () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse('2025-01-01T00:00:00Z'),
          max: Date.parse('2028-12-31T00:00:00Z'),
        }),
        fc.constantFrom(null, 'PT45M', 'PT36H', 'P1D', 'P3D', 'P1M'),
        fc.constantFrom(...ZONES),
        hhmm,
        hhmm,
        (trigger, delay, zone, start, end) => {
          fc.pre(start !== end);
          const triggerAt = new Date(trigger);
          const result = sendTime({ triggerAt, delay, timezone: zone, sendWindow: { start, end } });
          const local = DateTime.fromJSDate(triggerAt, { zone: zone ?? 'UTC' });
          const due = (delay === null ? local : local.plus(Duration.fromISO(delay))).toMillis();
          const inside = (ms: number) => {
            const t = DateTime.fromMillis(ms, { zone: zone ?? 'UTC' });
            const m = t.hour * 60 + t.minute;
            const [from, to] = [minutes(start), minutes(end)];
            return from < to ? m >= from && m < to : m >= from || m < to;
          };
          expect(inside(result.getTime())).toBe(true);
          expect(result.getTime()).toBeGreaterThanOrEqual(due);
          // A window opens at least once a day (26 hours allows for a fall-back day).
          expect(result.getTime() - due).toBeLessThan(26 * 3_600_000);
          if (inside(due)) expect(result.getTime()).toBe(due);
        },
      ),
      { numRuns: 2_000, seed: 20260610 },
    );
  });
});
