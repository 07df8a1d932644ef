import type { QueryRunnerLike } from './query-runner';
import type { ReportPeriod } from './report-period';
import { money } from './retention-metrics';

/** Value tiers (customers.value_tier) whose loss hurts: these customers are listed first. */
export const WORTH_KEEPING_TIERS = ['high', 'medium'] as const;

/** How many lost customers the report lists at most. */
export const LOST_CUSTOMERS_LIMIT = 100;

/** Customers by their value tier now; `unknown` = not computed yet (or a tier we do not know). */
export interface TierCounts {
  high: number;
  medium: number;
  low: number;
  unprofitable: number;
  unknown: number;
}

export interface DefectionGroup {
  /** `properties.reason` of the `customer.churned` event; null when erased or absent. */
  reason: string | null;
  competitor: string | null;
  customers: number;
  /** Of them, who have ordered again since they churned (by now). */
  wonBack: number;
  /** Their historic revenue: `totalSpent` (orders not cancelled, not returned). */
  revenue: number;
  /** Their estimated lifetime value (`clv`), where computed. */
  clv: number;
  valueTiers: TierCounts;
}

export interface OrderLossGroup {
  /** `cancel_reason` / `return_reason`; null when none was given. */
  reason: string | null;
  orders: number;
  customers: number;
  /** Sum of the orders' totals. */
  value: number;
  valueTiers: TierCounts;
}

export interface LostCustomer {
  customerId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  valueTier: string | null;
  worthKeeping: boolean;
  clv: number | null;
  revenue: number;
  ordersCount: number;
  lastOrderAt: Date | null;
  churnedAt: Date;
  reason: string | null;
  competitor: string | null;
  note: string | null;
  wonBack: boolean;
}

export interface WinLossReport {
  period: ReportPeriod;
  defections: {
    total: {
      customers: number;
      worthKeeping: number;
      wonBack: number;
      revenue: number;
      clv: number;
    };
    byReason: DefectionGroup[];
  };
  cancellations: { total: { orders: number; value: number }; byReason: OrderLossGroup[] };
  returns: { total: { orders: number; value: number }; byReason: OrderLossGroup[] };
  /** Customers who churned in the period, worth keeping first, then by lifetime value. */
  lostCustomers: LostCustomer[];
}

/** SQL counting customers (`c`) by value tier; `distinct` counts each customer once. */
const tierColumns = (distinct: string) => {
  const count = (filter: string) =>
    `count(${distinct ? `DISTINCT ${distinct}` : '*'}) FILTER (WHERE ${filter})::int`;
  return `${count(`c.value_tier = 'high'`)} AS tier_high,
          ${count(`c.value_tier = 'medium'`)} AS tier_medium,
          ${count(`c.value_tier = 'low'`)} AS tier_low,
          ${count(`c.value_tier = 'unprofitable'`)} AS tier_unprofitable,
          ${count(`c.value_tier IS NULL OR c.value_tier NOT IN ('high', 'medium', 'low', 'unprofitable')`)} AS tier_unknown`;
};

/*
 * A defection is a `customer.churned` event in [from, to); a customer who churned twice in
 * the period counts once, with their latest event. Events by type and time are indexed.
 */
const DEFECTIONS_CTE = `
  WITH defection AS (
    SELECT DISTINCT ON (customer_id) customer_id, id, occurred_at,
           properties->>'reason' AS reason, properties->>'competitor' AS competitor,
           properties->>'note' AS note
      FROM events
     WHERE type = 'customer.churned' AND occurred_at >= $1 AND occurred_at < $2
     ORDER BY customer_id, occurred_at DESC, id DESC
  )`;

const DEFECTION_GROUPS_SQL = `${DEFECTIONS_CTE}
  SELECT d.reason, d.competitor, count(*)::int AS customers,
         count(*) FILTER (WHERE c.last_order_at > d.occurred_at)::int AS won_back,
         COALESCE(sum(c.total_spent), 0) AS revenue, COALESCE(sum(c.clv), 0) AS clv,
         ${tierColumns('')}
    FROM defection d JOIN customers c ON c.id = d.customer_id
   GROUP BY d.reason, d.competitor
   ORDER BY revenue DESC, customers DESC, d.reason NULLS LAST, d.competitor NULLS LAST`;

const LOST_CUSTOMERS_SQL = `${DEFECTIONS_CTE}
  SELECT c.external_id, c.email, c.first_name, c.last_name, c.value_tier, c.clv,
         c.total_spent, c.orders_count, c.last_order_at,
         d.occurred_at AS churned_at, d.reason, d.competitor, d.note,
         COALESCE(c.value_tier = ANY($3::text[]), false) AS worth_keeping,
         COALESCE(c.last_order_at > d.occurred_at, false) AS won_back
    FROM defection d JOIN customers c ON c.id = d.customer_id
   ORDER BY worth_keeping DESC, c.clv DESC NULLS LAST, c.total_spent DESC, d.occurred_at DESC, c.id
   LIMIT $4`;

/** Orders cancelled, or returned, in the period, by the reason given. */
const orderLossSql = (at: 'cancelled_at' | 'returned_at', reason: string) => `
  SELECT o.${reason} AS reason, count(*)::int AS orders,
         count(DISTINCT o.customer_id)::int AS customers,
         COALESCE(sum(o.total), 0) AS value,
         ${tierColumns('o.customer_id')}
    FROM orders o JOIN customers c ON c.id = o.customer_id
   WHERE o.${at} >= $1 AND o.${at} < $2
   GROUP BY o.${reason}
   ORDER BY orders DESC, value DESC, o.${reason} NULLS LAST`;

interface TierRow {
  tier_high: number;
  tier_medium: number;
  tier_low: number;
  tier_unprofitable: number;
  tier_unknown: number;
}

interface DefectionRow extends TierRow {
  reason: string | null;
  competitor: string | null;
  customers: number;
  won_back: number;
  revenue: string;
  clv: string;
}

interface OrderLossRow extends TierRow {
  reason: string | null;
  orders: number;
  customers: number;
  value: string;
}

interface LostRow {
  external_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  value_tier: string | null;
  clv: string | null;
  total_spent: string;
  orders_count: number;
  last_order_at: Date | null;
  churned_at: Date;
  reason: string | null;
  competitor: string | null;
  note: string | null;
  worth_keeping: boolean;
  won_back: boolean;
}

const tiers = (r: TierRow): TierCounts => ({
  high: r.tier_high,
  medium: r.tier_medium,
  low: r.tier_low,
  unprofitable: r.tier_unprofitable,
  unknown: r.tier_unknown,
});

const orderLoss = (r: OrderLossRow): OrderLossGroup => ({
  reason: r.reason,
  orders: r.orders,
  customers: r.customers,
  value: money(r.value),
  valueTiers: tiers(r),
});

const sumOf = <T>(rows: T[], pick: (row: T) => number) =>
  Math.round(rows.reduce((sum, row) => sum + pick(row), 0) * 100) / 100;

/**
 * `GET /v1/reports/win-loss`: who we lost in [from, to) and why — defections by reason and
 * competitor with the revenue and value tiers of those lost, cancellations and returns by
 * reason, and the lost customers themselves, those worth keeping first.
 */
export async function winLossReport(
  q: QueryRunnerLike,
  period: ReportPeriod,
  limit = LOST_CUSTOMERS_LIMIT,
): Promise<WinLossReport> {
  const params = [period.from, period.to];
  const groups = (await q.query<DefectionRow[]>(DEFECTION_GROUPS_SQL, params)).map(
    (r): DefectionGroup => ({
      reason: r.reason,
      competitor: r.competitor,
      customers: r.customers,
      wonBack: r.won_back,
      revenue: money(r.revenue),
      clv: money(r.clv),
      valueTiers: tiers(r),
    }),
  );
  const lost = await q.query<LostRow[]>(LOST_CUSTOMERS_SQL, [
    ...params,
    WORTH_KEEPING_TIERS,
    limit,
  ]);
  const cancellations = (
    await q.query<OrderLossRow[]>(orderLossSql('cancelled_at', 'cancel_reason'), params)
  ).map(orderLoss);
  const returns = (
    await q.query<OrderLossRow[]>(orderLossSql('returned_at', 'return_reason'), params)
  ).map(orderLoss);
  return {
    period,
    defections: {
      total: {
        customers: sumOf(groups, (g) => g.customers),
        worthKeeping: sumOf(groups, (g) =>
          WORTH_KEEPING_TIERS.reduce((n, tier) => n + g.valueTiers[tier], 0),
        ),
        wonBack: sumOf(groups, (g) => g.wonBack),
        revenue: sumOf(groups, (g) => g.revenue),
        clv: sumOf(groups, (g) => g.clv),
      },
      byReason: groups,
    },
    cancellations: {
      total: {
        orders: sumOf(cancellations, (g) => g.orders),
        value: sumOf(cancellations, (g) => g.value),
      },
      byReason: cancellations,
    },
    returns: {
      total: { orders: sumOf(returns, (g) => g.orders), value: sumOf(returns, (g) => g.value) },
      byReason: returns,
    },
    lostCustomers: lost.map((r) => ({
      customerId: r.external_id,
      email: r.email,
      firstName: r.first_name,
      lastName: r.last_name,
      valueTier: r.value_tier,
      worthKeeping: r.worth_keeping,
      clv: r.clv === null ? null : money(r.clv),
      revenue: money(r.total_spent),
      ordersCount: r.orders_count,
      lastOrderAt: r.last_order_at,
      churnedAt: r.churned_at,
      reason: r.reason,
      competitor: r.competitor,
      note: r.note,
      wonBack: r.won_back,
    })),
  };
}
