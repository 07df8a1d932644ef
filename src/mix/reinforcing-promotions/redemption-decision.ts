/** A stored promotion as the redemption decision needs it. */
export interface PromotionState {
  customerId: string;
  expiresAt: Date;
  redeemedAt: Date | null;
}

export const INVALID_REASONS = [
  'unknown_code',
  'other_customer',
  'expired',
  'already_redeemed',
] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];

export type RedemptionDecision =
  { status: 'redeemed' } | { status: 'invalid'; reason: InvalidReason };

/**
 * Whether an order placed by `customerId` at `at` with a promotion's code redeems it.
 * A code is personal and works once, until it expires (the expiry instant itself still
 * counts). The order time decides expiry, not the time the event reached us: an order
 * placed in time and reported late still gets its discount counted.
 */
export function redemptionDecision(
  promotion: PromotionState | null,
  customerId: string,
  at: Date,
): RedemptionDecision {
  if (promotion === null) return { status: 'invalid', reason: 'unknown_code' };
  if (promotion.customerId !== customerId) return { status: 'invalid', reason: 'other_customer' };
  if (promotion.redeemedAt !== null) return { status: 'invalid', reason: 'already_redeemed' };
  if (at.getTime() > promotion.expiresAt.getTime()) return { status: 'invalid', reason: 'expired' };
  return { status: 'redeemed' };
}
