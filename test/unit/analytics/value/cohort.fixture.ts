import type { CustomerValueFacts } from '../../../../src/analytics/value/customer-value';
import type { ValueSettings } from '../../../../src/analytics/value/value-settings';

/**
 * A small cohort whose every figure is worked out by hand below. The unit test runs the plain
 * functions on it; the e2e test builds it in Postgres and runs the SQL, and both must give
 * EXPECTED.
 */
export const NOW = new Date('2026-03-01T12:00:00.000Z');
export const daysBefore = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

export const SETTINGS: ValueSettings = {
  defaultMargin: 0.3,
  costPerCase: 15,
  costPerReturn: 10,
  lifespanYears: 3,
};

/** Catalogue margins; NOM has none (the default 0.3 applies). */
export const PRODUCTS: Record<string, number | null> = { P50: 0.5, P20: 0.2, P10: 0.1, NOM: null };

export interface FixtureOrder {
  daysAgo: number;
  total: number;
  items: { sku: string; quantity: number; unitPrice: number }[];
  returned?: boolean;
  cancelled?: boolean;
  /** A personal code redeemed on this order, with its discount. */
  couponPercent?: number;
}

export interface FixtureCustomer {
  id: string;
  orders: FixtureOrder[];
  cases: number;
  /** Promotions issued but never redeemed: they cost nothing. */
  unusedPromotions?: number;
}

const repeat = (days: number[], order: Omit<FixtureOrder, 'daysAgo'>) =>
  days.map((daysAgo) => ({ daysAgo, ...order }));

export const COHORT: FixtureCustomer[] = [
  {
    // 6 orders of 100.00, one P50 line each (margin 50.00): revenue 600.00, margin 300.00.
    id: 'A',
    orders: repeat([730.5, 600, 400, 200, 100, 5], {
      total: 100,
      items: [{ sku: 'P50', quantity: 1, unitPrice: 100 }],
    }),
    cases: 0,
    unusedPromotions: 1,
  },
  {
    // Kept: 2 × 100.00 of NOM (margin 30.00 each) → revenue 200.00, margin 60.00.
    // Returned: 80.00 (counted as an order, not as revenue; its 20 % coupon costs nothing).
    // Cancelled: 500.00, counts nowhere.  1 case + 1 return = 15 + 10 = 25.00.
    id: 'B',
    orders: [
      { daysAgo: 365.25, total: 100, items: [{ sku: 'NOM', quantity: 1, unitPrice: 100 }] },
      { daysAgo: 200, total: 100, items: [{ sku: 'NOM', quantity: 1, unitPrice: 100 }] },
      {
        daysAgo: 100,
        total: 80,
        items: [{ sku: 'NOM', quantity: 1, unitPrice: 80 }],
        returned: true,
        couponPercent: 20,
      },
      {
        daysAgo: 50,
        total: 500,
        items: [{ sku: 'P50', quantity: 5, unitPrice: 100 }],
        cancelled: true,
      },
    ],
    cases: 1,
  },
  {
    // One order 10 days ago: 50.00 of P20 → margin 10.00.
    id: 'C',
    orders: [{ daysAgo: 10, total: 50, items: [{ sku: 'P20', quantity: 1, unitPrice: 50 }] }],
    cases: 0,
  },
  {
    // 100.00 then 50.00 paid with a 50 % code, P10 lines: margin 10.00 + 5.00 = 15.00.
    // The code gave away 50 × 50 / 50 = 50.00 → cost 50.00 > margin 15.00.
    id: 'D',
    orders: [
      { daysAgo: 400, total: 100, items: [{ sku: 'P10', quantity: 1, unitPrice: 100 }] },
      {
        daysAgo: 200,
        total: 50,
        items: [{ sku: 'P10', quantity: 1, unitPrice: 50 }],
        couponPercent: 50,
      },
    ],
    cases: 0,
  },
  {
    // 10 orders of 200.00 of NOM (margin 60.00 each): revenue 2,000.00, margin 600.00.
    id: 'G',
    orders: repeat([730.5, 650, 560, 480, 400, 320, 240, 160, 80, 1], {
      total: 200,
      items: [{ sku: 'NOM', quantity: 1, unitPrice: 200 }],
    }),
    cases: 0,
  },
  // No orders, one case: 15.00 of cost against no margin.
  { id: 'E', orders: [], cases: 1 },
  // No orders, nothing.
  { id: 'F', orders: [], cases: 0 },
];

/**
 * Worked out by hand:
 * CLV = margin × lifespan ÷ span years (span = days since the first order ÷ 365.25, ≥ 30 days):
 *   A 300 × 3 ÷ 2 = 450.00 · B 60 × 3 ÷ 1 = 180.00 · C 10 × 3 ÷ (30 ÷ 365.25) = 365.25
 *   D 15 × 3 ÷ (400 ÷ 365.25) = 41.090625 → 41.09 · G 600 × 3 ÷ 2 = 900.00
 * Cohort (customers with orders): A, B, C, D, G — five, so percentile p is row ceil(5p):
 * rows 1, 2, 3, 4 for the quintiles, row 4 for CLV's 80th, row 3 for its 50th.
 *   recency days sorted 1 (G), 5 (A), 10 (C), 100 (B), 200 (D) → bounds [1, 5, 10, 100]
 *   orders sorted 1, 2, 3, 6, 10 → [1, 2, 3, 6]
 *   revenue sorted 50, 150, 200, 600, 2000 → [50, 150, 200, 600]
 *   CLV sorted 41.09, 180, 365.25, 450, 900 → high above 450, medium above 365.25
 * Scores (R = 5 − bounds below the days; F, M = 1 + bounds below the value):
 *   A: 5 d > 1 → R 4; 6 > 1, 2, 3 → F 4; 600 > 50, 150, 200 → M 4 → champions; 450 → medium
 *   B: 100 d > 1, 5, 10 → R 2; 3 > 1, 2 → F 3; 200 > 50, 150 → M 3 → at-risk; 180 → low
 *   C: 10 d > 1, 5 → R 3; F 1; M 1 → new (one order, 10 days ago); 365.25 is not above → low
 *   D: 200 d → R 1; 2 > 1 → F 2; 150 > 50 → M 2 → hibernating; cost 50 > 15 → unprofitable
 *   G: 1 d → R 5; F 5; M 5 → champions; 900 → high
 *   E: no orders, cost 15 > 0 → unprofitable; F: low. No scores, no segment.
 */
export const EXPECTED_THRESHOLDS = {
  customers: 5,
  rfm: { recencyDays: [1, 5, 10, 100], frequency: [1, 2, 3, 6], monetary: [50, 150, 200, 600] },
  clv: { high: 450, medium: 365.25 },
};

export const EXPECTED: Record<
  string,
  {
    revenue: number;
    grossMargin: number;
    costToServe: number;
    clv: number;
    rfm: { recency: number; frequency: number; monetary: number } | null;
    segment: string | null;
    tier: string;
  }
> = {
  A: {
    revenue: 600,
    grossMargin: 300,
    costToServe: 0,
    clv: 450,
    rfm: { recency: 4, frequency: 4, monetary: 4 },
    segment: 'champions',
    tier: 'medium',
  },
  B: {
    revenue: 200,
    grossMargin: 60,
    costToServe: 25,
    clv: 180,
    rfm: { recency: 2, frequency: 3, monetary: 3 },
    segment: 'at-risk',
    tier: 'low',
  },
  C: {
    revenue: 50,
    grossMargin: 10,
    costToServe: 0,
    clv: 365.25,
    rfm: { recency: 3, frequency: 1, monetary: 1 },
    segment: 'new',
    tier: 'low',
  },
  D: {
    revenue: 150,
    grossMargin: 15,
    costToServe: 50,
    clv: 41.09,
    rfm: { recency: 1, frequency: 2, monetary: 2 },
    segment: 'hibernating',
    tier: 'unprofitable',
  },
  G: {
    revenue: 2000,
    grossMargin: 600,
    costToServe: 0,
    clv: 900,
    rfm: { recency: 5, frequency: 5, monetary: 5 },
    segment: 'champions',
    tier: 'high',
  },
  E: {
    revenue: 0,
    grossMargin: 0,
    costToServe: 15,
    clv: 0,
    rfm: null,
    segment: null,
    tier: 'unprofitable',
  },
  F: { revenue: 0, grossMargin: 0, costToServe: 0, clv: 0, rfm: null, segment: null, tier: 'low' },
};

/** The facts of a fixture customer as the plain functions take them (what the SQL reads). */
export function factsOf(customer: FixtureCustomer): CustomerValueFacts {
  const counted = customer.orders.filter((o) => !o.cancelled);
  const kept = counted.filter((o) => !o.returned);
  const placed = counted.map((o) => daysBefore(o.daysAgo).getTime());
  return {
    orders: counted.length,
    revenue: kept.reduce((sum, o) => sum + o.total, 0),
    firstOrderAt: placed.length ? new Date(Math.min(...placed)) : null,
    lastOrderAt: placed.length ? new Date(Math.max(...placed)) : null,
    keptItems: kept.flatMap((o) =>
      o.items.map((i) => ({ ...i, productMargin: PRODUCTS[i.sku] ?? null })),
    ),
    costs: {
      cases: customer.cases,
      returns: counted.filter((o) => o.returned).length,
      redemptions: kept
        .filter((o) => o.couponPercent !== undefined)
        .map((o) => ({ orderTotal: o.total, discountPercent: o.couponPercent! })),
    },
  };
}
