import { Reentry, reentryDecision, reentryOccurrence } from '../../../../src/rules/eligibility';

const at = (iso: string) => new Date(iso);
const TRIGGER = at('2026-06-10T12:00:00.000Z');

describe('reentryDecision', () => {
  describe('once', () => {
    it('lets a customer in who never entered', () => {
      expect(reentryDecision('once', null, TRIGGER)).toEqual({ enter: true });
    });

    it.each(['2020-01-01T00:00:00.000Z', '2026-06-10T11:59:59.999Z', '2026-06-10T12:00:00.000Z'])(
      'refuses a customer who entered at %s, for good (no retryAfter)',
      (last) => {
        expect(reentryDecision('once', at(last), TRIGGER)).toEqual({
          enter: false,
          reason: 'already_entered',
        });
      },
    );
  });

  describe('always', () => {
    it.each([null, '2026-06-10T12:00:00.000Z', '2026-06-10T11:59:59.999Z'])(
      'lets the customer in (last entry %p)',
      (last) => {
        expect(reentryDecision('always', last === null ? null : at(last), TRIGGER)).toEqual({
          enter: true,
        });
      },
    );
  });

  describe('every P30D', () => {
    const EVERY: Reentry = { every: 'P30D' };

    it('lets a customer in who never entered', () => {
      expect(reentryDecision(EVERY, null, TRIGGER)).toEqual({ enter: true });
    });

    it('lets them in exactly 30 days after the last entry (the boundary is inclusive)', () => {
      expect(reentryDecision(EVERY, at('2026-05-11T12:00:00.000Z'), TRIGGER)).toEqual({
        enter: true,
      });
    });

    it('lets them in later than that', () => {
      expect(reentryDecision(EVERY, at('2026-01-01T00:00:00.000Z'), TRIGGER)).toEqual({
        enter: true,
      });
    });

    it('refuses them a millisecond early and says when they may enter', () => {
      expect(reentryDecision(EVERY, at('2026-05-11T12:00:00.001Z'), TRIGGER)).toEqual({
        enter: false,
        reason: 'reentry_too_soon',
        retryAfter: at('2026-06-10T12:00:00.001Z'),
      });
    });

    it('refuses a trigger older than the last entry (events out of order)', () => {
      expect(reentryDecision(EVERY, at('2026-06-11T00:00:00.000Z'), TRIGGER)).toEqual({
        enter: false,
        reason: 'reentry_too_soon',
        retryAfter: at('2026-07-11T00:00:00.000Z'),
      });
    });
  });

  describe('every, with the period added in UTC', () => {
    it('counts P1D as 24 hours even across a DST change somewhere', () => {
      // In New York 2026-03-08 is 23 hours long; in UTC every day is 24.
      expect(
        reentryDecision(
          { every: 'P1D' },
          at('2026-03-08T05:00:00.000Z'),
          at('2026-03-09T04:59:59.999Z'),
        ),
      ).toMatchObject({ enter: false, retryAfter: at('2026-03-09T05:00:00.000Z') });
      expect(
        reentryDecision(
          { every: 'P1D' },
          at('2026-03-08T05:00:00.000Z'),
          at('2026-03-09T05:00:00.000Z'),
        ),
      ).toEqual({ enter: true });
    });

    it('counts P1M by the calendar: 31 January + 1 month is 28 February', () => {
      const last = at('2026-01-31T10:00:00.000Z');
      expect(reentryDecision({ every: 'P1M' }, last, at('2026-02-28T09:59:59.999Z'))).toEqual({
        enter: false,
        reason: 'reentry_too_soon',
        retryAfter: at('2026-02-28T10:00:00.000Z'),
      });
      expect(reentryDecision({ every: 'P1M' }, last, at('2026-02-28T10:00:00.000Z'))).toEqual({
        enter: true,
      });
    });

    it('handles short periods', () => {
      const last = at('2026-06-10T11:59:30.000Z');
      expect(reentryDecision({ every: 'PT30S' }, last, TRIGGER)).toEqual({ enter: true });
      expect(reentryDecision({ every: 'PT31S' }, last, TRIGGER)).toMatchObject({ enter: false });
    });
  });

  it.each(['', 'P0D', '-P1D', '30 days', 'P1.5D'])(
    'throws on a stored period that is not a positive duration (%p)',
    (every) => {
      expect(() => reentryDecision({ every }, null, TRIGGER)).toThrow(
        `reentry.every must be a positive ISO-8601 duration such as P3D, got "${every}"`,
      );
    },
  );

  it('refuses invalid Dates', () => {
    expect(() => reentryDecision('always', null, at('nope'))).toThrow(RangeError);
    expect(() => reentryDecision('once', at('nope'), TRIGGER)).toThrow(RangeError);
  });

  it('does not change the Dates it is given', () => {
    const last = at('2026-06-01T00:00:00.000Z');
    const trigger = at('2026-06-02T00:00:00.000Z');
    reentryDecision({ every: 'P30D' }, last, trigger);
    expect([last.toISOString(), trigger.toISOString()]).toEqual([
      '2026-06-01T00:00:00.000Z',
      '2026-06-02T00:00:00.000Z',
    ]);
  });
});

describe('reentryOccurrence', () => {
  it('keys a once rule on (rule, customer) alone, whatever the trigger', () => {
    // Two concurrent triggers must produce the same key, so the unique index lets one in.
    expect(reentryOccurrence('once', 'rule-1', 'evt-a')).toBe('once');
    expect(reentryOccurrence('once', 'rule-1', 'evt-b')).toBe('once');
    expect(reentryOccurrence('once', 'rule-1', '')).toBe('once');
  });

  it.each<[string, Reentry]>([
    ['always', 'always'],
    ['every P30D', { every: 'P30D' }],
  ])('keys a %s rule on the trigger, so a retry dedupes and a new trigger does not', (_n, r) => {
    expect(reentryOccurrence(r, 'rule-1', 'evt-a')).toBe('evt-a');
    expect(reentryOccurrence(r, 'rule-1', 'evt-a')).toBe(reentryOccurrence(r, 'rule-1', 'evt-a'));
    expect(reentryOccurrence(r, 'rule-1', 'run-42')).toBe('run-42');
    expect(reentryOccurrence(r, 'rule-1', 'evt-b')).not.toBe(
      reentryOccurrence(r, 'rule-1', 'evt-a'),
    );
  });

  it('refuses an empty trigger key where it is the key, naming the rule', () => {
    expect(() => reentryOccurrence('always', 'rule-7', '')).toThrow(
      'rule rule-7: an entry needs a trigger key (event id or run id)',
    );
  });
});
