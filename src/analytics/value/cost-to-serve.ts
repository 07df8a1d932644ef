import { roundCents, ValueSettings } from './value-settings';

export interface ServiceCosts {
  /** Support cases of the customer, open or resolved. */
  cases: number;
  /** Orders placed, not cancelled, then returned. */
  returns: number;
  /** Redeemed promotions on kept orders: what the order cost and the code's discount. */
  redemptions: readonly { orderTotal: number; discountPercent: number }[];
}

/**
 * What a redeemed code gave away: the list price minus what was paid. The order's total is
 * what was paid after `discountPercent`, so the list price is total ÷ (1 − d/100) and the
 * discount total × d ÷ (100 − d). A 100 % code has no list price to recover: it counts 0.
 */
export function redeemedDiscount(orderTotal: number, discountPercent: number): number {
  if (discountPercent >= 100) return 0;
  return (orderTotal * discountPercent) / (100 - discountPercent);
}

/** cases × COST_PER_CASE + returns × COST_PER_RETURN + discounts, rounded to cents. */
export function costToServe(
  costs: ServiceCosts,
  settings: Pick<ValueSettings, 'costPerCase' | 'costPerReturn'>,
): number {
  const discounts = costs.redemptions.reduce(
    (sum, r) => sum + redeemedDiscount(r.orderTotal, r.discountPercent),
    0,
  );
  return roundCents(
    costs.cases * settings.costPerCase + costs.returns * settings.costPerReturn + discounts,
  );
}
