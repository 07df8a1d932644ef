/** The configured unit costs and assumptions of the value computation (see README, "Customer value"). */
export interface ValueSettings {
  /** Margin (fraction of price) of a product without its own `margin`. */
  defaultMargin: number;
  /** Cost of one support case. */
  costPerCase: number;
  /** Cost of one returned order. */
  costPerReturn: number;
  /** How many years a customer is expected to keep buying. */
  lifespanYears: number;
}

export const DAY_MS = 86_400_000;

/** A year of the purchase frequency: 365.25 days, so leap years do not bend it. */
export const YEAR_DAYS = 365.25;

/**
 * The shortest active span purchase frequency is computed over: without it a customer whose
 * only order is an hour old would buy "8,760 times a year".
 */
export const MIN_SPAN_DAYS = 30;

/** A customer with a single order placed at most this many days ago is `new`. */
export const NEW_CUSTOMER_DAYS = 30;

/** The quintile boundaries: the 20th, 40th, 60th and 80th percentiles (percentile_disc). */
export const QUINTILES = [0.2, 0.4, 0.6, 0.8] as const;

/** CLV cut-offs: above the 80th percentile is `high` (top 20 %), above the 50th `medium` (next 30 %). */
export const CLV_PERCENTILES = { high: 0.8, medium: 0.5 } as const;

/**
 * Money is kept in cents; the SQL and these functions round at the same steps. Half a cent
 * goes away from zero, as Postgres's `round(numeric, 2)` does (the tiny factor undoes binary
 * fractions such as 1.005 × 100 = 100.49999…).
 */
export function roundCents(value: number): number {
  const cents = Math.round(Math.abs(value) * 100 * (1 + 4 * Number.EPSILON)) / 100;
  return value < 0 ? -cents : cents;
}
