import fc from 'fast-check';
import { DateTime, Duration, FixedOffsetZone, IANAZone } from 'luxon';
import {
  addDuration,
  isValidDuration,
  isValidTimezone,
  parseDuration,
  requireDuration,
  zoneOrUtc,
} from '../../../../src/rules/eligibility';

describe('parseDuration', () => {
  it.each([
    ['PT30S', { seconds: 30 }],
    ['P3D', { days: 3 }],
    ['P1M', { months: 1 }],
    ['P2W', { weeks: 2 }],
    ['PT0.5S', { seconds: 0, milliseconds: 500 }],
    ['PT1.5H', { hours: 1.5 }],
    ['P1DT12H', { days: 1, hours: 12 }],
    ['P0DT1M', { days: 0, minutes: 1 }], // a zero part is fine while another is positive
    [
      'P1Y2M3W4DT5H6M7S',
      { years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 },
    ],
  ])('reads %p', (iso, parts) => {
    const duration = parseDuration(iso);
    expect(duration).not.toBeNull();
    expect(duration?.toObject()).toEqual(parts);
  });

  it.each([
    ['', 'empty'],
    ['3 days', 'not ISO'],
    ['P', 'no parts'],
    ['PT', 'no parts'],
    ['p3d', 'lower case'],
    ['P1,5D', 'comma decimal'],
    ['PT0S', 'zero'],
    ['P0D', 'zero'],
    ['P0Y0M0DT0H0M0S', 'zero in every part'],
    ['-P1D', 'negative'],
    ['P-1D', 'negative part'],
    ['PT1H-30M', 'one negative part among positive ones'],
    ['P1.5D', 'fraction of a day'],
    ['P0.5M', 'fraction of a month'],
    ['P1.5W', 'fraction of a week'],
    ['P1.5Y', 'fraction of a year'],
  ])('refuses %p (%s)', (iso) => {
    expect(parseDuration(iso)).toBeNull();
    expect(isValidDuration(iso)).toBe(false);
  });
});

describe('requireDuration', () => {
  it('returns the parsed duration', () => {
    expect(requireDuration('P30D', 'reentry.every').toObject()).toEqual({ days: 30 });
  });

  it('throws with the name of the field and the bad value', () => {
    expect(() => requireDuration('PT0S', 'delay')).toThrow(
      'delay must be a positive ISO-8601 duration such as P3D, got "PT0S"',
    );
  });
});

describe('isValidTimezone', () => {
  it.each([
    'UTC',
    'America/New_York',
    'Europe/Berlin',
    'Asia/Kolkata',
    'Pacific/Kiritimati',
    'Etc/GMT+5',
  ])('accepts %p', (zone) => {
    expect(isValidTimezone(zone)).toBe(true);
  });

  it.each(['', 'Mars/Olympus_Mons', 'Europe/Berlim', '+05:00', 'UTC+3', 'Z'])(
    'refuses %p',
    (zone) => {
      expect(isValidTimezone(zone)).toBe(false);
    },
  );
});

describe('zoneOrUtc', () => {
  it('returns the named zone', () => {
    const zone = zoneOrUtc('Europe/Berlin');
    expect(zone).toBeInstanceOf(IANAZone);
    expect(zone.name).toBe('Europe/Berlin');
  });

  it.each([null, '', 'Mars/Olympus_Mons'])('falls back to UTC for %p', (timezone) => {
    expect(zoneOrUtc(timezone)).toBe(FixedOffsetZone.utcInstance);
  });
});

describe('addDuration', () => {
  const add = (at: string, iso: string, zone: string | null) =>
    addDuration(new Date(at), Duration.fromISO(iso), zoneOrUtc(zone)).toISOString();

  it('adds time units as elapsed time and days on the wall clock', () => {
    // 2026-03-07 10:00 EST; the clocks go forward on 2026-03-08.
    expect(add('2026-03-07T15:00:00.000Z', 'P1D', 'America/New_York')).toBe(
      '2026-03-08T14:00:00.000Z', // 10:00 EDT, 23 hours later
    );
    expect(add('2026-03-07T15:00:00.000Z', 'PT24H', 'America/New_York')).toBe(
      '2026-03-08T15:00:00.000Z', // 11:00 EDT
    );
  });

  it('adds hours, minutes and seconds exactly as luxon does, across DST changes in any zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z') }),
        fc.record({
          hours: fc.integer({ min: 0, max: 200 }),
          minutes: fc.integer({ min: 0, max: 59 }),
          seconds: fc.integer({ min: 0, max: 59 }),
        }),
        fc.constantFrom('America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe'),
        (at, parts, zone) => {
          fc.pre(Number.isFinite(at.getTime()));
          const duration = Duration.fromObject(parts);
          const expected = DateTime.fromJSDate(at, { zone }).plus(duration).toJSDate();
          expect(addDuration(at, duration, zoneOrUtc(zone)).getTime()).toBe(expected.getTime());
        },
      ),
    );
  });

  it('ends a month after 31 January on the last day of February', () => {
    expect(add('2026-01-31T12:00:00.000Z', 'P1M', null)).toBe('2026-02-28T12:00:00.000Z');
    expect(add('2028-01-31T12:00:00.000Z', 'P1M', null)).toBe('2028-02-29T12:00:00.000Z');
  });

  it('does not change the Date it is given', () => {
    const at = new Date('2026-06-10T12:00:00.000Z');
    addDuration(at, Duration.fromISO('P1D'), zoneOrUtc(null));
    expect(at.toISOString()).toBe('2026-06-10T12:00:00.000Z');
  });

  it('refuses an invalid Date', () => {
    expect(() => addDuration(new Date('nope'), Duration.fromISO('P1D'), zoneOrUtc(null))).toThrow(
      RangeError,
    );
  });
});
