/**
 * The arithmetic of the overview report, apart from the SQL that counts, so each formula is
 * tested on numbers worked out by hand. Rates are fractions (0.25 = 25 %), null when their
 * denominator is zero: "no customers at the start" is not a 0 % retention.
 */

export const ratio = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

/** What the customers query counts, as of `from` and `to` (see overview.report.ts). */
export interface CustomerCounts {
  /** Customers whose first order (not cancelled) was placed before `from`. */
  orderedBeforeFrom: number;
  /** … before `to`. */
  orderedBeforeTo: number;
  /** Of `orderedBeforeFrom`, those lost (churned) as of `from`. */
  lostAtFrom: number;
  /** Of `orderedBeforeTo`, those lost as of `to`. */
  lostAtTo: number;
  /** First order in [from, to). */
  new: number;
  /** Customers at the start who are lost at `to`: they churned during the period. */
  churned: number;
  /** Lost at `from`, not lost at `to`: they ordered again during the period. */
  wonBack: number;
  /** New in the period and lost again by `to`. */
  newChurned: number;
}

export interface CustomerFigures {
  /** S: had ordered before `from` and were not lost at `from`. */
  start: number;
  /** N: first order in the period. */
  new: number;
  /** E: had ordered before `to` and were not lost at `to`. */
  end: number;
  churned: number;
  wonBack: number;
  newChurned: number;
  /** (E − N) / S. */
  retentionRate: number | null;
  /** churned / S. */
  churnRate: number | null;
}

/**
 * S, N, E and the rates. E = S − churned + wonBack + N − newChurned, so retention rate =
 * 1 − churn rate + (wonBack − newChurned) / S: the two rates add up to 1 only when no lost
 * customer came back and no new one left.
 */
export function customerFigures(c: CustomerCounts): CustomerFigures {
  const start = c.orderedBeforeFrom - c.lostAtFrom;
  const end = c.orderedBeforeTo - c.lostAtTo;
  return {
    start,
    new: c.new,
    end,
    churned: c.churned,
    wonBack: c.wonBack,
    newChurned: c.newChurned,
    retentionRate: ratio(end - c.new, start),
    churnRate: ratio(c.churned, start),
  };
}

/** Order totals in the period, split by whether the customer is new in it. */
export interface RevenueFigures {
  new: number;
  returning: number;
  total: number;
  /** new / total: how much of the period's revenue came from getting rather than keeping. */
  newShare: number | null;
}

export function revenueFigures(newRevenue: number, returningRevenue: number): RevenueFigures {
  const total = roundMoney(newRevenue + returningRevenue);
  return {
    new: roundMoney(newRevenue),
    returning: roundMoney(returningRevenue),
    total,
    newShare: ratio(newRevenue, newRevenue + returningRevenue),
  };
}

/** Money from Postgres `numeric` text (or null) to a number with at most two decimals. */
export function money(value: string | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return roundMoney(Number(value));
}

const roundMoney = (value: number) => Math.round(value * 100) / 100;
