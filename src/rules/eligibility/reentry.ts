import { FixedOffsetZone } from 'luxon';
import { addDuration, requireDuration } from './durations';

/**
 * How often one customer may enter one rule:
 * - `once`: a single time, ever ("welcome", "first delivery check-in");
 * - `always`: on every trigger ("every delivered order gets a check-in");
 * - `{ every }`: again only once an ISO-8601 duration has passed since the last entry
 *   ("at most one win-back offer per 30 days").
 */
export type Reentry = 'once' | 'always' | { every: string };

export type ReentryDecision =
  | { enter: true }
  | { enter: false; reason: 'already_entered' | 'reentry_too_soon'; retryAfter?: Date };

/**
 * Whether a customer whose last entry into the rule was at `lastEntryAt` (null: never) enters
 * again for a trigger at `triggerAt`.
 *
 * `every D` lets them in when lastEntryAt + D ≤ triggerAt; D is added in UTC, because the gap
 * between entries is a property of the rule, not of where the customer lives. A refusal carries
 * `retryAfter` (the first instant they may enter), so a scheduled rule can say when. A trigger
 * older than the last entry (events arriving out of order) is refused too: entering would put
 * two entries closer than D.
 */
export function reentryDecision(
  reentry: Reentry,
  lastEntryAt: Date | null,
  triggerAt: Date,
): ReentryDecision {
  if (!Number.isFinite(triggerAt.getTime())) {
    throw new RangeError('reentryDecision: `triggerAt` is an invalid Date');
  }
  if (lastEntryAt !== null && !Number.isFinite(lastEntryAt.getTime())) {
    throw new RangeError('reentryDecision: `lastEntryAt` is an invalid Date');
  }
  if (reentry === 'always') return { enter: true };
  if (reentry === 'once') {
    return lastEntryAt === null ? { enter: true } : { enter: false, reason: 'already_entered' };
  }
  const gap = requireDuration(reentry.every, 'reentry.every');
  if (lastEntryAt === null) return { enter: true };
  const allowedFrom = addDuration(lastEntryAt, gap, FixedOffsetZone.utcInstance);
  return allowedFrom.getTime() <= triggerAt.getTime()
    ? { enter: true }
    : { enter: false, reason: 'reentry_too_soon', retryAfter: allowedFrom };
}

/**
 * The trigger-occurrence part of an entry's dedupe key (rule, customer, occurrence), which a
 * unique index turns into "this entry happens at most once":
 *
 * - `once` → the constant `'once'`. The key is then (rule, customer), so two triggers handled at
 *   the same moment (two workers, two events) collide on the index and only one enters; if the
 *   key carried the event id, both would pass the `lastEntryAt === null` check and both insert.
 * - `always` and `every` → the trigger key (event id, or schedule/manual run id), so a retried
 *   job inserts the same key and enters once, while a new event or run is a new entry.
 *
 * Note that for `every` the key only makes retries idempotent: two different triggers inside
 * the same period, handled concurrently, both see the old `lastEntryAt`. Callers need to
 * serialize a customer's entries into a rule (row lock or advisory lock) to make `every` exact.
 */
export function reentryOccurrence(reentry: Reentry, ruleId: string, triggerKey: string): string {
  if (reentry === 'once') return 'once';
  if (triggerKey === '') {
    throw new Error(`rule ${ruleId}: an entry needs a trigger key (event id or run id)`);
  }
  return triggerKey;
}
