import { DAY_MS, MIN_SPAN_DAYS, roundCents, YEAR_DAYS } from './value-settings';

export interface LifetimeValueInput {
  /** Orders placed and not cancelled (returned ones included): `ordersCount`. */
  orders: number;
  /** Totals of kept orders (placed, not cancelled, not returned): `totalSpent`. */
  revenue: number;
  grossMargin: number;
  firstOrderAt: Date | null;
}

export interface LifetimeValue {
  /** Average order value: revenue ÷ orders. */
  averageOrderValue: number;
  /** Orders per year over the active span. */
  frequency: number;
  /** The active span in years: first order to now, at least MIN_SPAN_DAYS. */
  spanYears: number;
  /** Gross margin ÷ revenue. */
  marginRate: number;
  /** AOV × frequency × lifespan × margin rate, rounded to cents. */
  clv: number;
}

const NONE: LifetimeValue = {
  averageOrderValue: 0,
  frequency: 0,
  spanYears: 0,
  marginRate: 0,
  clv: 0,
};

/** Whole and fractional years from `from` to `now`, never less than MIN_SPAN_DAYS. */
export function activeSpanYears(from: Date, now: Date): number {
  const days = Math.max((now.getTime() - from.getTime()) / DAY_MS, MIN_SPAN_DAYS);
  return days / YEAR_DAYS;
}

/**
 * Estimated lifetime value: AOV × purchase frequency × expected lifespan × margin rate.
 * The orders cancel out — (revenue ÷ orders) × (orders ÷ span) × lifespan × (margin ÷
 * revenue) is margin × lifespan ÷ span — and that shorter form is what both this function
 * and the SQL round, so they agree to the cent. No revenue (no orders, or all returned)
 * means no value.
 */
export function lifetimeValue(input: LifetimeValueInput, lifespanYears: number, now: Date) {
  if (input.orders <= 0 || input.revenue <= 0 || input.firstOrderAt === null) return NONE;
  const spanYears = activeSpanYears(input.firstOrderAt, now);
  return {
    averageOrderValue: input.revenue / input.orders,
    frequency: input.orders / spanYears,
    spanYears,
    marginRate: input.grossMargin / input.revenue,
    clv: roundCents((input.grossMargin * lifespanYears) / spanYears),
  } satisfies LifetimeValue;
}
