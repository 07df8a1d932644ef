import { LocalWindow, nextAllowedTime } from '../../messaging/policy/quiet-hours';
import { addDuration, requireDuration, zoneOrUtc } from './durations';

export type SendTimeInput = {
  /** When the trigger happened (the event's `occurredAt`, or the schedule's run time). */
  triggerAt: Date;
  /** The rule's ISO-8601 delay; null sends without delay. */
  delay: string | null;
  /** The customer's IANA zone; null or unknown reads as UTC. */
  timezone: string | null;
  /** The rule's allowed local hours (may wrap midnight, e.g. 22:00-02:00); null: any time. */
  sendWindow: LocalWindow | null;
};

/**
 * When a rule's message is due: `triggerAt` + `delay`, then moved forward to the next moment
 * inside `sendWindow` on the customer's clock (unchanged if already inside).
 *
 * The delay is added in the customer's zone because marketers think in their customer's days:
 * "3 days after delivery" of a parcel delivered at 10:00 should land at 10:00 three days later,
 * even if the clocks changed in between (`P1D` is then 23 or 25 real hours; `PT24H` stays 24).
 * If that wall time does not exist (the spring-forward gap), luxon moves it forward by the
 * size of the gap (02:30 → 03:30); if it happens twice (fall back), the earlier one is used.
 *
 * The window step is `nextAllowedTime`, the same function the delivery worker uses to re-check
 * the message, so scheduling and delivery cannot disagree about when the window is open.
 * Quiet hours and frequency caps are not applied here: they depend on what else is sent and
 * are decided at delivery.
 */
export function sendTime({ triggerAt, delay, timezone, sendWindow }: SendTimeInput): Date {
  if (!Number.isFinite(triggerAt.getTime())) {
    throw new RangeError('sendTime: `triggerAt` is an invalid Date');
  }
  const due =
    delay === null
      ? new Date(triggerAt.getTime())
      : addDuration(triggerAt, requireDuration(delay, 'delay'), zoneOrUtc(timezone));
  if (sendWindow === null) return due;
  return nextAllowedTime(due, timezone, { quietHours: null, sendWindow });
}
