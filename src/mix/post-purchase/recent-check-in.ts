/** Support staff may not ask about the same order twice within this, unless they force it. */
export const RECENT_CHECK_IN_MS = 24 * 60 * 60 * 1000;

export type ManualCheckInDecision =
  { allow: true } | { allow: false; lastCreatedAt: Date; retryAfter: Date };

/**
 * Whether a manual check-in may go out, given when the latest check-in about the same order
 * (of the same customer, from a rule or by hand) was created. Two clicks on "send" or two
 * agents on one ticket would otherwise ask the customer twice; `force` is for the agent who
 * means it.
 */
export function decideManualCheckIn(
  lastCreatedAt: Date | null,
  now: Date,
  force: boolean,
): ManualCheckInDecision {
  if (force || lastCreatedAt === null) return { allow: true };
  const retryAfter = new Date(lastCreatedAt.getTime() + RECENT_CHECK_IN_MS);
  return retryAfter.getTime() > now.getTime()
    ? { allow: false, lastCreatedAt, retryAfter }
    : { allow: true };
}
