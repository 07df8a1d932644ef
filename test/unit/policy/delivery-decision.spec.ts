import {
  decideDelivery,
  DeliveryDecision,
  DeliveryFacts,
  OPEN_CASE_RECHECK_MS,
  PRIORITY_RETRY_MS,
} from '../../../src/messaging/policy/delivery-decision';
import { nextAllowedTime } from '../../../src/messaging/policy/quiet-hours';

const HOUR = 3_600_000;
/** 2026-06-10 12:00 EDT: inside allowed hours for the New York customer. */
const NOON_NY = new Date('2026-06-10T16:00:00.000Z');

type Overrides = Omit<Partial<DeliveryFacts>, 'message' | 'customer'> & {
  message?: Partial<DeliveryFacts['message']>;
  customer?: Partial<NonNullable<DeliveryFacts['customer']>> | null;
};

/** A marketing message that may go out now; each test changes what it is about. */
function facts(overrides: Overrides = {}): DeliveryFacts {
  const now = overrides.now ?? NOON_NY;
  const { message, customer, ...rest } = overrides;
  return {
    now,
    message: {
      class: 'marketing',
      priority: 50,
      sendAt: now,
      expiresAt: null,
      windowStart: null,
      windowEnd: null,
      ...message,
    },
    customer:
      customer === null
        ? null
        : { erased: false, marketingConsent: true, timezone: 'America/New_York', ...customer },
    suppression: null,
    openCase: false,
    goalMet: false,
    quietHours: { start: '21:00', end: '08:00' },
    cap: { count: 3, windowMs: 7 * 24 * HOUR, minGapMs: 16 * HOUR },
    recentMarketingSends: [],
    competingHigherPriorityDue: false,
    ...rest,
  };
}

const defer = (until: string, reason: string) => ({
  action: 'defer',
  until: new Date(until),
  reason,
});
const SEND = { action: 'send' };

/** Everything that could stop a message, at once: only the first rule may speak. */
const EVERYTHING_WRONG: Overrides = {
  now: new Date('2026-06-11T03:30:00.000Z'), // 23:30 EDT, quiet
  message: { expiresAt: new Date('2026-06-10T00:00:00.000Z') },
  customer: { marketingConsent: false },
  goalMet: true,
  suppression: 'all',
  openCase: true,
  competingHigherPriorityDue: true,
  recentMarketingSends: [new Date('2026-06-11T03:00:00.000Z')],
};

describe('decideDelivery', () => {
  it('sends a marketing message that passes every check', () => {
    expect(decideDelivery(facts())).toEqual(SEND);
  });

  it('sends a service message that passes every check', () => {
    expect(decideDelivery(facts({ message: { class: 'service' } }))).toEqual(SEND);
  });

  describe('1. erased customer', () => {
    it('cancels, before any other rule', () => {
      const all = { ...EVERYTHING_WRONG, customer: { erased: true, marketingConsent: false } };
      expect(decideDelivery(facts(all))).toEqual({ action: 'cancel', reason: 'erased' });
    });

    it('cancels a service message too', () => {
      const erased = facts({ message: { class: 'service' }, customer: { erased: true } });
      expect(decideDelivery(erased)).toEqual({ action: 'cancel', reason: 'erased' });
    });
  });

  describe('2. expired', () => {
    it('cancels when expiresAt is now', () => {
      const due = facts({ message: { expiresAt: NOON_NY } });
      expect(decideDelivery(due)).toEqual({ action: 'cancel', reason: 'expired' });
    });

    it('sends 1 ms before expiresAt', () => {
      const due = facts({ message: { expiresAt: new Date('2026-06-10T16:00:00.001Z') } });
      expect(decideDelivery(due)).toEqual(SEND);
    });

    it('comes before the goal, suppression, consent and quiet hours', () => {
      expect(decideDelivery(facts(EVERYTHING_WRONG))).toEqual({
        action: 'cancel',
        reason: 'expired',
      });
    });

    it('cancels an expired service message', () => {
      const due = facts({ message: { class: 'service', expiresAt: NOON_NY } });
      expect(decideDelivery(due)).toEqual({ action: 'cancel', reason: 'expired' });
    });
  });

  describe('3. goal met', () => {
    it('cancels, before suppression, consent and quiet hours', () => {
      const all = { ...EVERYTHING_WRONG, message: { expiresAt: null } };
      expect(decideDelivery(facts(all))).toEqual({ action: 'cancel', reason: 'goal_met' });
    });
  });

  describe('4. suppressed for all mail', () => {
    it('suppresses a marketing message, before consent, open case and quiet hours', () => {
      const all = { ...EVERYTHING_WRONG, message: { expiresAt: null }, goalMet: false };
      expect(decideDelivery(facts(all))).toEqual({ action: 'suppress', reason: 'suppressed' });
    });

    it('suppresses a service message', () => {
      const bounced = facts({ message: { class: 'service' }, suppression: 'all' });
      expect(decideDelivery(bounced)).toEqual({ action: 'suppress', reason: 'suppressed' });
    });

    it('suppresses a message to a non-customer address', () => {
      const bounced = facts({ message: { class: 'service' }, customer: null, suppression: 'all' });
      expect(decideDelivery(bounced)).toEqual({ action: 'suppress', reason: 'suppressed' });
    });
  });

  describe('5a. unsubscribed from marketing', () => {
    it('suppresses a marketing message, before the missing consent', () => {
      const unsubscribed = facts({
        suppression: 'marketing',
        customer: { marketingConsent: false },
      });
      expect(decideDelivery(unsubscribed)).toEqual({ action: 'suppress', reason: 'unsubscribed' });
    });

    it('lets a service message through', () => {
      const checkIn = facts({ message: { class: 'service' }, suppression: 'marketing' });
      expect(decideDelivery(checkIn)).toEqual(SEND);
    });
  });

  describe('5b. no marketing consent', () => {
    it('suppresses a marketing message, before an open case', () => {
      const noConsent = facts({ customer: { marketingConsent: false }, openCase: true });
      expect(decideDelivery(noConsent)).toEqual({ action: 'suppress', reason: 'no_consent' });
    });

    it('suppresses a marketing message that has no customer to have consented', () => {
      expect(decideDelivery(facts({ customer: null }))).toEqual({
        action: 'suppress',
        reason: 'no_consent',
      });
    });

    it('lets a service message through', () => {
      const checkIn = facts({
        message: { class: 'service' },
        customer: { marketingConsent: false },
      });
      expect(decideDelivery(checkIn)).toEqual(SEND);
    });
  });

  describe('5c. open support case', () => {
    it('holds a marketing message for an hour', () => {
      expect(OPEN_CASE_RECHECK_MS).toBe(HOUR);
      expect(decideDelivery(facts({ openCase: true }))).toEqual(
        defer('2026-06-10T17:00:00.000Z', 'open_case'), // 13:00 EDT
      );
    });

    it('holds before quiet hours, the cap and priority; the hour is a re-check, not a send time', () => {
      const held = facts({
        now: new Date('2026-06-11T03:30:00.000Z'), // 23:30 EDT, quiet
        openCase: true,
        competingHigherPriorityDue: true,
        recentMarketingSends: [new Date('2026-06-11T03:00:00.000Z')],
      });
      expect(decideDelivery(held)).toEqual(defer('2026-06-11T04:30:00.000Z', 'open_case')); // 00:30 EDT
    });

    it('cancels instead when the message expires within the hour', () => {
      const atExpiry = facts({
        openCase: true,
        message: { expiresAt: new Date('2026-06-10T17:00:00.000Z') },
      });
      expect(decideDelivery(atExpiry)).toEqual({ action: 'cancel', reason: 'expired' });
      const justAfter = facts({
        openCase: true,
        message: { expiresAt: new Date('2026-06-10T17:00:00.001Z') },
      });
      expect(decideDelivery(justAfter)).toEqual(defer('2026-06-10T17:00:00.000Z', 'open_case'));
    });

    it('does not hold a service message (the check-in about the problem itself)', () => {
      expect(decideDelivery(facts({ message: { class: 'service' }, openCase: true }))).toEqual(
        SEND,
      );
    });
  });

  describe('6. quiet hours and send windows', () => {
    const LATE_NY = new Date('2026-06-11T03:30:00.000Z'); // 2026-06-10 23:30 EDT

    it('defers a marketing message in quiet hours to 08:00 local', () => {
      expect(decideDelivery(facts({ now: LATE_NY }))).toEqual(
        defer('2026-06-11T12:00:00.000Z', 'quiet_hours'), // 08:00 EDT
      );
    });

    it('defers a service message in quiet hours too', () => {
      expect(decideDelivery(facts({ now: LATE_NY, message: { class: 'service' } }))).toEqual(
        defer('2026-06-11T12:00:00.000Z', 'quiet_hours'), // 08:00 EDT
      );
    });

    it('comes before priority and the cap', () => {
      const busy = facts({
        now: LATE_NY,
        competingHigherPriorityDue: true,
        recentMarketingSends: [new Date('2026-06-11T03:00:00.000Z')],
      });
      expect(decideDelivery(busy)).toEqual(defer('2026-06-11T12:00:00.000Z', 'quiet_hours'));
    });

    it('sends to a non-customer address in what would be quiet hours', () => {
      // 03:30 UTC: quiet by the clock, but a support desk has no customer-local night.
      const deskNotice = facts({ now: LATE_NY, message: { class: 'service' }, customer: null });
      expect(decideDelivery(deskNotice)).toEqual(SEND);
    });

    it('follows the spring-forward change', () => {
      const eve = facts({ now: new Date('2026-03-08T04:30:00.000Z') }); // 2026-03-07 23:30 EST
      expect(decideDelivery(eve)).toEqual(defer('2026-03-08T12:00:00.000Z', 'quiet_hours')); // 08:00 EDT
    });

    it('follows the fall-back change', () => {
      const eve = facts({ now: new Date('2026-11-01T03:30:00.000Z') }); // 2026-10-31 23:30 EDT
      expect(decideDelivery(eve)).toEqual(defer('2026-11-01T13:00:00.000Z', 'quiet_hours')); // 08:00 EST
    });

    it.each([
      ['Australia/Sydney', '2026-06-10T12:00:00.000Z', '2026-06-10T22:00:00.000Z'], // 22:00 AEST → 08:00 AEST
      ['Asia/Kolkata', '2026-06-10T16:00:00.000Z', '2026-06-11T02:30:00.000Z'], // 21:30 IST → 08:00 IST
      [null, '2026-06-10T22:00:00.000Z', '2026-06-11T08:00:00.000Z'], // no zone: 22:00 UTC → 08:00 UTC
    ])('judges quiet hours in the customer’s zone (%p)', (timezone, now, until) => {
      const late = facts({ now: new Date(now), customer: { timezone } });
      expect(decideDelivery(late)).toEqual(defer(until, 'quiet_hours'));
    });

    it('cancels instead when the message expires before quiet hours end', () => {
      const atEnd = facts({
        now: LATE_NY,
        message: { expiresAt: new Date('2026-06-11T12:00:00.000Z') },
      });
      expect(decideDelivery(atEnd)).toEqual({ action: 'cancel', reason: 'expired' });
      const after = facts({
        now: LATE_NY,
        message: { expiresAt: new Date('2026-06-11T12:00:00.001Z') },
      });
      expect(decideDelivery(after)).toEqual(defer('2026-06-11T12:00:00.000Z', 'quiet_hours'));
    });

    it('sends inside the message’s own window', () => {
      const window = { windowStart: '09:00', windowEnd: '18:00' };
      expect(decideDelivery(facts({ message: window }))).toEqual(SEND);
    });

    it('defers outside the message’s own window with reason send_window', () => {
      const evening = facts({
        now: new Date('2026-06-10T23:00:00.000Z'), // 19:00 EDT: not quiet, but past the window
        message: { windowStart: '09:00', windowEnd: '18:00' },
      });
      expect(decideDelivery(evening)).toEqual(defer('2026-06-11T13:00:00.000Z', 'send_window')); // 09:00 EDT
    });

    it('lets the message’s own window override quiet hours', () => {
      const late = facts({
        now: new Date('2026-06-11T02:00:00.000Z'), // 22:00 EDT: quiet, but inside 20:00-23:00
        message: { windowStart: '20:00', windowEnd: '23:00' },
      });
      expect(decideDelivery(late)).toEqual(SEND);
    });

    it('applies a message’s own window to a service message', () => {
      const early = facts({
        now: new Date('2026-06-10T12:30:00.000Z'), // 08:30 EDT
        message: { class: 'service', windowStart: '09:00', windowEnd: '18:00' },
      });
      expect(decideDelivery(early)).toEqual(defer('2026-06-10T13:00:00.000Z', 'send_window')); // 09:00 EDT
    });

    it('applies a message’s own window in UTC to a non-customer address', () => {
      const task = facts({
        now: new Date('2026-06-10T19:00:00.000Z'),
        message: { class: 'service', windowStart: '09:00', windowEnd: '18:00' },
        customer: null,
      });
      expect(decideDelivery(task)).toEqual(defer('2026-06-11T09:00:00.000Z', 'send_window')); // 09:00 UTC
    });

    it('refuses a half-stored window rather than guessing', () => {
      expect(() => decideDelivery(facts({ message: { windowStart: '09:00' } }))).toThrow(
        'send window needs both a start and an end',
      );
    });
  });

  describe('7a. a higher-priority message is due', () => {
    it('waits the cap’s minimum gap, moved out of quiet hours', () => {
      // 12:00 EDT + 16 h = 04:00 EDT, quiet → 08:00 EDT.
      expect(decideDelivery(facts({ competingHigherPriorityDue: true }))).toEqual(
        defer('2026-06-11T12:00:00.000Z', 'priority'),
      );
    });

    it('waits the gap as is when it ends in allowed hours', () => {
      const twoHourGap = facts({
        competingHigherPriorityDue: true,
        cap: { count: 3, windowMs: 7 * 24 * HOUR, minGapMs: 2 * HOUR },
      });
      expect(decideDelivery(twoHourGap)).toEqual(defer('2026-06-10T18:00:00.000Z', 'priority')); // 14:00 EDT
    });

    it.each([
      ['no cap', null],
      ['a cap without a gap', { count: 3, windowMs: 7 * 24 * HOUR, minGapMs: 0 }],
    ])('waits a minute with %s', (_name, cap) => {
      expect(PRIORITY_RETRY_MS).toBe(60_000);
      expect(decideDelivery(facts({ competingHigherPriorityDue: true, cap }))).toEqual(
        defer('2026-06-10T16:01:00.000Z', 'priority'), // 12:01 EDT
      );
    });

    it('comes before the cap', () => {
      const capped = facts({
        competingHigherPriorityDue: true,
        recentMarketingSends: [new Date('2026-06-10T15:00:00.000Z')],
      });
      expect(decideDelivery(capped)).toEqual(defer('2026-06-11T12:00:00.000Z', 'priority'));
    });

    it('cancels instead when the message would expire while waiting', () => {
      const expiring = facts({
        competingHigherPriorityDue: true,
        message: { expiresAt: new Date('2026-06-11T00:00:00.000Z') },
      });
      expect(decideDelivery(expiring)).toEqual({ action: 'cancel', reason: 'expired' });
    });

    it('does not hold a service message', () => {
      const checkIn = facts({ message: { class: 'service' }, competingHigherPriorityDue: true });
      expect(decideDelivery(checkIn)).toEqual(SEND);
    });
  });

  describe('7b. frequency cap', () => {
    it('sends exactly when the minimum gap is over', () => {
      const last = new Date('2026-06-10T00:00:00.000Z'); // 2026-06-09 20:00 EDT, 16 h ago
      expect(decideDelivery(facts({ recentMarketingSends: [last] }))).toEqual(SEND);
    });

    it('defers to the end of the gap when it falls in allowed hours', () => {
      const last = new Date('2026-06-10T00:00:00.001Z');
      expect(decideDelivery(facts({ recentMarketingSends: [last] }))).toEqual(
        defer('2026-06-10T16:00:00.001Z', 'frequency_cap'), // 12:00:00.001 EDT
      );
    });

    it('moves the end of the gap out of quiet hours', () => {
      const last = new Date('2026-06-10T13:00:00.000Z'); // 09:00 EDT; + 16 h = 01:00 EDT, quiet
      expect(decideDelivery(facts({ recentMarketingSends: [last] }))).toEqual(
        defer('2026-06-11T12:00:00.000Z', 'frequency_cap'), // 08:00 EDT
      );
    });

    it('keeps the end of the gap inside the message’s own window, or moves it to the next opening', () => {
      const capped = facts({
        message: { windowStart: '09:00', windowEnd: '17:00' },
        recentMarketingSends: [new Date('2026-06-10T02:00:00.000Z')], // 2026-06-09 22:00 EDT
      });
      // 2026-06-09 22:00 EDT + 16 h = 2026-06-10 14:00 EDT, inside 09:00-17:00.
      expect(decideDelivery(capped)).toEqual(defer('2026-06-10T18:00:00.000Z', 'frequency_cap'));
      const later = facts({
        message: { windowStart: '09:00', windowEnd: '13:00' },
        recentMarketingSends: [new Date('2026-06-10T02:00:00.000Z')],
      });
      // 14:00 EDT is past 09:00-13:00 → 09:00 EDT the next day.
      expect(decideDelivery(later)).toEqual(defer('2026-06-11T13:00:00.000Z', 'frequency_cap'));
    });

    it('defers a fourth message in 7 days until the oldest of the three leaves the window', () => {
      const sends = ['2026-06-04T14:00:00Z', '2026-06-06T14:00:00Z', '2026-06-08T14:00:00Z'];
      const busyWeek = facts({ recentMarketingSends: sends.map((iso) => new Date(iso)) });
      expect(decideDelivery(busyWeek)).toEqual(defer('2026-06-11T14:00:00.000Z', 'frequency_cap')); // 10:00 EDT
    });

    it('cancels instead when the message expires before the cap allows it', () => {
      const sends = ['2026-06-04T14:00:00Z', '2026-06-06T14:00:00Z', '2026-06-08T14:00:00Z'];
      const expiring = facts({
        recentMarketingSends: sends.map((iso) => new Date(iso)),
        message: { expiresAt: new Date('2026-06-11T14:00:00.000Z') },
      });
      expect(decideDelivery(expiring)).toEqual({ action: 'cancel', reason: 'expired' });
    });

    it('sends with no cap', () => {
      const sends = [new Date('2026-06-10T15:59:00.000Z'), new Date('2026-06-10T15:58:00.000Z')];
      expect(decideDelivery(facts({ cap: null, recentMarketingSends: sends }))).toEqual(SEND);
    });

    it('does not hold a service message', () => {
      const sends = [new Date('2026-06-10T15:59:00.000Z'), new Date('2026-06-10T15:58:00.000Z')];
      const checkIn = facts({ message: { class: 'service' }, recentMarketingSends: sends });
      expect(decideDelivery(checkIn)).toEqual(SEND);
    });
  });

  it('only ever defers a send to an allowed local time', () => {
    const cases: DeliveryFacts[] = [
      facts({ now: new Date('2026-06-11T03:30:00.000Z') }),
      facts({ competingHigherPriorityDue: true }),
      facts({ recentMarketingSends: [new Date('2026-06-10T13:00:00.000Z')] }),
      facts({
        customer: { timezone: 'Australia/Sydney' },
        recentMarketingSends: [new Date('2026-06-10T13:00:00.000Z')],
      }),
      facts({
        now: new Date('2026-03-08T05:00:00.000Z'),
        message: { windowStart: '02:30', windowEnd: '04:00' },
      }),
    ];
    const deferrals = cases
      .map(decideDelivery)
      .filter(
        (decision): decision is Extract<DeliveryDecision, { action: 'defer' }> =>
          decision.action === 'defer',
      );
    expect(deferrals).toHaveLength(cases.length);
    cases.forEach((input, index) => {
      const { until } = deferrals[index];
      const sendWindow =
        input.message.windowStart && input.message.windowEnd
          ? { start: input.message.windowStart, end: input.message.windowEnd }
          : null;
      const rules = { sendWindow, quietHours: input.quietHours };
      const timezone = input.customer?.timezone ?? null;
      expect(nextAllowedTime(until, timezone, rules).toISOString()).toBe(until.toISOString());
      expect(until.getTime()).toBeGreaterThan(input.now.getTime());
    });
  });
});
