import type { MessageClass } from '../messages/message.entity';
import { capCheck, FrequencyCap } from './frequency-cap';
import { LocalWindow, nextAllowedTime, parseSendWindow, SendTimeRules } from './quiet-hours';

/** How long a marketing message held by an open support case waits before it is looked at again. */
export const OPEN_CASE_RECHECK_MS = 60 * 60 * 1000;
/**
 * How long a message waits for a higher-priority one that is due at the same time, when the
 * cap gives no minimum gap to wait (no cap, or a cap without a gap): long enough for the other
 * message to be sent and counted, short enough not to lose the slot.
 */
export const PRIORITY_RETRY_MS = 60 * 1000;

/** Everything the delivery worker knows just before it sends a message, as plain data. */
export interface DeliveryFacts {
  now: Date;
  message: {
    class: MessageClass;
    priority: number;
    sendAt: Date;
    expiresAt: Date | null;
    windowStart: string | null;
    windowEnd: string | null;
  };
  /** null: a message to a non-customer address (support desk, sales rep). */
  customer: null | { erased: boolean; marketingConsent: boolean; timezone: string | null };
  /** Strongest suppression of the recipient address (unsubscribe, hard bounce, erased). */
  suppression: null | 'marketing' | 'all';
  /** The customer has an open support case. */
  openCase: boolean;
  /** The rule's goal happened after this message was scheduled. */
  goalMet: boolean;
  quietHours: LocalWindow | null;
  cap: FrequencyCap | null;
  /** The customer's marketing messages sent or being sent, not counting this one. */
  recentMarketingSends: Date[];
  /** Another of the customer's marketing messages with higher priority is due now. */
  competingHigherPriorityDue: boolean;
}

export type DeferReason =
  'quiet_hours' | 'send_window' | 'frequency_cap' | 'open_case' | 'priority';
export type SuppressReason = 'unsubscribed' | 'no_consent' | 'suppressed';
export type CancelReason = 'erased' | 'expired' | 'goal_met';

export type DeliveryDecision =
  | { action: 'send' }
  | { action: 'defer'; until: Date; reason: DeferReason }
  | { action: 'suppress'; reason: SuppressReason }
  | { action: 'cancel'; reason: CancelReason };

/**
 * The re-check before a message goes out. Every outcome but `send` carries its reason, so a
 * message is never dropped silently. Rules, first match wins:
 *
 * 1. erased customer → cancel `erased` (before anything else: nothing may reach them);
 * 2. `expiresAt` ≤ now → cancel `expired`;
 * 3. the rule's goal was met → cancel `goal_met`;
 * 4. address suppressed for all mail (hard bounce, erasure) → suppress `suppressed`, service too;
 * 5. marketing only: unsubscribed → suppress `unsubscribed`; no consent → suppress
 *    `no_consent`; open support case → defer `open_case` by OPEN_CASE_RECHECK_MS;
 * 6. outside the message's send window or inside quiet hours → defer to the next allowed time
 *    (`send_window` if the message has its own window, else `quiet_hours`);
 * 7. marketing only: a higher-priority message is due → defer `priority`; over the frequency
 *    cap → defer `frequency_cap` to when the cap allows it, moved into allowed hours.
 *
 * A deferral that would end at or after `expiresAt` cancels `expired` instead: the message
 * could not go out before it expires, and the reason says so now rather than at the re-check.
 * Deferrals for a send time (steps 6 and 7) land on an allowed local time; the open-case
 * deferral is only a time to look again.
 *
 * Choices:
 * - Service messages (check-ins, case and task notices) respect quiet hours and send windows
 *   too: none of them is urgent enough to wake a customer, and a check-in read at 08:00 is
 *   answered better than one sent at 03:00. They ignore consent, the cap, open cases and
 *   priority, which concern marketing only.
 * - Quiet hours are the customer's: a message to a non-customer address (support desk, sales
 *   rep) ignores them, though its own send window, if any, still applies (in UTC).
 * - A marketing message without a customer has no consent to rest on and is suppressed
 *   `no_consent`; mail to staff is service mail.
 * - `message.sendAt` and `message.priority` are not read: the worker runs when the message is
 *   due, and priority is already folded into `competingHigherPriorityDue`.
 */
export function decideDelivery(facts: DeliveryFacts): DeliveryDecision {
  const { now, message, customer } = facts;
  const marketing = message.class === 'marketing';

  if (customer?.erased) return { action: 'cancel', reason: 'erased' };
  if (message.expiresAt !== null && message.expiresAt.getTime() <= now.getTime()) {
    return { action: 'cancel', reason: 'expired' };
  }
  if (facts.goalMet) return { action: 'cancel', reason: 'goal_met' };
  if (facts.suppression === 'all') return { action: 'suppress', reason: 'suppressed' };

  const defer = (until: Date, reason: DeferReason): DeliveryDecision =>
    message.expiresAt !== null && until.getTime() >= message.expiresAt.getTime()
      ? { action: 'cancel', reason: 'expired' }
      : { action: 'defer', until, reason };

  if (marketing) {
    if (facts.suppression === 'marketing') return { action: 'suppress', reason: 'unsubscribed' };
    if (!customer?.marketingConsent) return { action: 'suppress', reason: 'no_consent' };
    if (facts.openCase) return defer(after(now, OPEN_CASE_RECHECK_MS), 'open_case');
  }

  const sendWindow = parseSendWindow(message.windowStart, message.windowEnd);
  const rules: SendTimeRules = { sendWindow, quietHours: customer ? facts.quietHours : null };
  const timezone = customer?.timezone ?? null;
  const allowed = nextAllowedTime(now, timezone, rules);
  if (allowed.getTime() > now.getTime()) {
    return defer(allowed, sendWindow ? 'send_window' : 'quiet_hours');
  }
  if (!marketing) return { action: 'send' };

  if (facts.competingHigherPriorityDue) {
    const wait = facts.cap && facts.cap.minGapMs > 0 ? facts.cap.minGapMs : PRIORITY_RETRY_MS;
    return defer(nextAllowedTime(after(now, wait), timezone, rules), 'priority');
  }
  const cap = capCheck(facts.cap, facts.recentMarketingSends, now);
  if (!cap.allowed) {
    return defer(nextAllowedTime(cap.earliest, timezone, rules), 'frequency_cap');
  }
  return { action: 'send' };
}

function after(instant: Date, ms: number): Date {
  return new Date(instant.getTime() + ms);
}
