/**
 * Did a rule change what customers do? Treated customers got its messages; held-out ones
 * were picked by the same hash and got nothing. Conversion rate = converted / customers of
 * the group; lift = (treated rate − holdout rate) / holdout rate; the p-value is the
 * two-sided pooled two-proportion z-test's. With fewer than MIN_GROUP customers in a group
 * or fewer than MIN_CONVERSIONS conversions overall, the numbers are shown with a warning:
 * a difference there is mostly noise.
 */
export interface GroupCounts {
  customers: number;
  conversions: number;
}

export interface LiftResult {
  treatedRate: number | null;
  holdoutRate: number | null;
  /** Relative: 0.25 = the treated converted 25 % more often. Null without a holdout rate. */
  lift: number | null;
  pValue: number | null;
  warning: string | null;
}

export const MIN_GROUP = 30;
export const MIN_CONVERSIONS = 10;

const rate = (g: GroupCounts) => (g.customers > 0 ? g.conversions / g.customers : null);

export function liftOf(treated: GroupCounts, holdout: GroupCounts): LiftResult {
  const treatedRate = rate(treated);
  const holdoutRate = rate(holdout);
  const lift =
    treatedRate !== null && holdoutRate !== null && holdoutRate > 0
      ? (treatedRate - holdoutRate) / holdoutRate
      : null;
  const pValue = twoProportionPValue(treated, holdout);
  let warning: string | null = null;
  if (holdout.customers === 0) warning = 'no holdout group: lift cannot be measured';
  else if (treated.customers < MIN_GROUP || holdout.customers < MIN_GROUP)
    warning = `groups too small to tell (each needs at least ${MIN_GROUP} customers)`;
  else if (treated.conversions + holdout.conversions < MIN_CONVERSIONS)
    warning = `too few conversions to tell (fewer than ${MIN_CONVERSIONS})`;
  return { treatedRate, holdoutRate, lift, pValue, warning };
}

/** Two-sided p-value of the pooled two-proportion z-test; null when undefined. */
export function twoProportionPValue(a: GroupCounts, b: GroupCounts): number | null {
  if (a.customers === 0 || b.customers === 0) return null;
  const pooled = (a.conversions + b.conversions) / (a.customers + b.customers);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.customers + 1 / b.customers));
  if (se === 0) return null;
  const z = (a.conversions / a.customers - b.conversions / b.customers) / se;
  return 2 * (1 - standardNormalCdf(Math.abs(z)));
}

/** Φ(x) by the Abramowitz–Stegun 7.1.26 erf approximation (error < 1.5e-7). */
export function standardNormalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
