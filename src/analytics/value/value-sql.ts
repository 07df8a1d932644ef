import {
  NEW_CUSTOMER_DAYS,
  MIN_SPAN_DAYS,
  QUINTILES,
  CLV_PERCENTILES,
  YEAR_DAYS,
} from './value-settings';
import type { ValueSettings } from './value-settings';

/**
 * The value computation as set-based SQL: the same steps as customer-value.ts, for every
 * customer at once (the nightly job) or for a few (a refresh when an order or case arrives).
 * Both use the same text; only the scope differs. Every statement takes the same first five
 * parameters (`valueParams`): $1 now, $2 DEFAULT_MARGIN, $3 COST_PER_CASE, $4 COST_PER_RETURN,
 * $5 EXPECTED_LIFESPAN_YEARS; a scoped statement takes the customer ids as $6.
 */

export const valueParams = (now: Date, s: ValueSettings): unknown[] => [
  now,
  s.defaultMargin,
  s.costPerCase,
  s.costPerReturn,
  s.lifespanYears,
];

/** Everyone, or the customers whose ids are parameter $6 (bigint[]). */
export type Scope = 'all' | 'customers';

const only = (scope: Scope, column: string) =>
  scope === 'all' ? '' : `AND ${column} = ANY($6::bigint[])`;

/** Orders that stood: placed, not cancelled, not returned. */
const KEPT = (o: string) =>
  `${o}.placed_at IS NOT NULL AND ${o}.cancelled_at IS NULL AND ${o}.returned_at IS NULL`;

/**
 * One row per customer: orders, revenue, first and last order (the order projection on the
 * customer row keeps these), gross margin and cost to serve rounded to cents, whole days since
 * the last order, and CLV from the rounded margin. Customers without orders get a row too
 * (margin 0, CLV 0), so cases alone can make them unprofitable.
 */
export function statsSql(scope: Scope): string {
  return `
  SELECT f.*,
         CASE WHEN f.orders > 0 AND f.revenue > 0 AND f.first_order_at IS NOT NULL
              THEN round(f.gross_margin * $5::numeric
                         / (GREATEST(extract(epoch FROM $1::timestamptz - f.first_order_at) / 86400, ${MIN_SPAN_DAYS})
                            / ${YEAR_DAYS}), 2)
              ELSE 0 END AS clv,
         floor(extract(epoch FROM $1::timestamptz - f.last_order_at) / 86400)::int AS recency_days
    FROM (
      SELECT c.id, c.orders_count AS orders, c.total_spent AS revenue,
             c.first_order_at, c.last_order_at,
             round(COALESCE(m.margin, 0), 2) AS gross_margin,
             round(COALESCE(k.cases, 0) * $3::numeric + COALESCE(r.returns, 0) * $4::numeric
                   + COALESCE(d.discounts, 0), 2) AS cost_to_serve
        FROM customers c
        LEFT JOIN (
          -- Lines in double precision (as the plain functions), summed, then rounded to cents
          -- below. Each product's margin is converted once, not once per line: Postgres turns
          -- a numeric into a double through its text, which over 20 million lines was half of
          -- the nightly job.
          SELECT o.customer_id,
                 sum(i.quantity * i.unit_price::float8 * COALESCE(p.margin, $2::float8))::numeric AS margin
            FROM orders o
            JOIN order_items i ON i.order_id = o.id
            LEFT JOIN (SELECT sku, margin::float8 AS margin FROM products) p ON p.sku = i.sku
           WHERE ${KEPT('o')} ${only(scope, 'o.customer_id')}
           GROUP BY o.customer_id) m ON m.customer_id = c.id
        LEFT JOIN (
          SELECT o.customer_id, count(*) AS returns
            FROM orders o
           WHERE o.placed_at IS NOT NULL AND o.cancelled_at IS NULL AND o.returned_at IS NOT NULL
                 ${only(scope, 'o.customer_id')}
           GROUP BY o.customer_id) r ON r.customer_id = c.id
        LEFT JOIN (
          SELECT k.customer_id, count(*) AS cases
            FROM cases k
           WHERE true ${only(scope, 'k.customer_id')}
           GROUP BY k.customer_id) k ON k.customer_id = c.id
        LEFT JOIN (
          -- Each redeemed code's order looked up by its key (LATERAL … LIMIT 1): a few hundred
          -- thousand index probes, where a hash join would read every order.
          SELECT p.customer_id,
                 sum(CASE WHEN p.discount_percent < 100
                          THEN COALESCE(o.total, 0) * p.discount_percent / (100 - p.discount_percent)
                          ELSE 0 END) AS discounts
            FROM promotions p
            CROSS JOIN LATERAL (
              SELECT o.total FROM orders o WHERE o.id = p.redeemed_order_id AND ${KEPT('o')} LIMIT 1) o
           WHERE p.redeemed_at IS NOT NULL ${only(scope, 'p.customer_id')}
           GROUP BY p.customer_id) d ON d.customer_id = c.id
       WHERE true ${only(scope, 'c.id')}
    ) f`;
}

const percentiles = (values: readonly number[]) =>
  `ARRAY[${values.map((v) => v.toFixed(1)).join(', ')}]::float8[]`;

/**
 * The cohort's boundaries from a stats relation (`source`: a table name or a parenthesised
 * statsSql), inserted as a new `value_thresholds` row. $6 is the trigger. An empty cohort
 * gives a row with 0 customers and null boundaries.
 */
export function insertThresholdsSql(source: string): string {
  return `
  INSERT INTO value_thresholds (computed_at, trigger, customers, recency_days, frequency, monetary,
                                clv_high, clv_medium, settings)
  SELECT $1::timestamptz, $6::text, count(*),
         percentile_disc(${percentiles(QUINTILES)}) WITHIN GROUP (ORDER BY s.recency_days),
         percentile_disc(${percentiles(QUINTILES)}) WITHIN GROUP (ORDER BY s.orders),
         percentile_disc(${percentiles(QUINTILES)}) WITHIN GROUP (ORDER BY s.revenue),
         percentile_disc(${CLV_PERCENTILES.high}) WITHIN GROUP (ORDER BY s.clv),
         percentile_disc(${CLV_PERCENTILES.medium}) WITHIN GROUP (ORDER BY s.clv),
         jsonb_build_object('defaultMargin', $2::float8, 'costPerCase', $3::numeric,
                            'costPerReturn', $4::numeric, 'lifespanYears', $5::numeric)
    FROM ${source} s
   WHERE s.orders > 0 AND s.last_order_at IS NOT NULL
  RETURNING id, customers`;
}

/** How many of the four boundaries `value` is above (missing boundaries count as none). */
const above = (value: string, bounds: string) =>
  [1, 2, 3, 4].map((i) => `COALESCE((${value} > ${bounds}[${i}])::int, 0)`).join(' + ');

/**
 * Scores from a stats relation `s` and a thresholds row `t`: R = 5 − boundaries above,
 * F and M = 1 + boundaries above. Null without orders.
 */
export function scoredSql(stats: string, thresholds: string, where = ''): string {
  const withOrders = 's.orders > 0 AND s.last_order_at IS NOT NULL';
  return `
  SELECT s.id, s.orders, s.first_order_at, s.gross_margin, s.cost_to_serve, s.clv,
         t.clv_high, t.clv_medium,
         CASE WHEN ${withOrders} THEN 5 - (${above('s.recency_days', 't.recency_days')}) END AS r,
         CASE WHEN ${withOrders} THEN 1 + (${above('s.orders', 't.frequency')}) END AS f,
         CASE WHEN ${withOrders} THEN 1 + (${above('s.revenue', 't.monetary')}) END AS m
    FROM ${stats} s CROSS JOIN ${thresholds} t
   ${where}`;
}

/** Segment of a scored row `x`, first match wins (see rfmSegment). */
const SEGMENT = `CASE
      WHEN x.r IS NULL THEN NULL
      WHEN x.orders = 1 AND x.first_order_at >= $1::timestamptz - interval '${NEW_CUSTOMER_DAYS * 24} hours' THEN 'new'
      WHEN x.r >= 4 AND x.f >= 4 AND x.m >= 4 THEN 'champions'
      WHEN x.r <= 2 AND x.f >= 3 THEN 'at-risk'
      WHEN x.f >= 4 THEN 'loyal'
      WHEN x.r >= 4 THEN 'potential'
      ELSE 'hibernating' END`;

/** Tier of a scored row `x` (see valueTier): a null cut-off compares as not above. */
const TIER = `CASE
      WHEN x.cost_to_serve > x.gross_margin THEN 'unprofitable'
      WHEN x.orders <= 0 THEN 'low'
      WHEN x.clv > x.clv_high THEN 'high'
      WHEN x.clv > x.clv_medium THEN 'medium'
      ELSE 'low' END`;

/** The SET list writing a scored row `x` into `customers`. */
const ASSIGNMENTS = `
      gross_margin = x.gross_margin, cost_to_serve = x.cost_to_serve, clv = x.clv,
      rfm_recency = x.r, rfm_frequency = x.f, rfm_monetary = x.m,
      rfm_segment = ${SEGMENT},
      value_tier = ${TIER}`;

/** The latest boundaries. */
export const LATEST_THRESHOLDS = '(SELECT * FROM value_thresholds ORDER BY id DESC LIMIT 1)';

/**
 * A few customers ($6) against the latest boundaries, in one statement. `value_computed_at`
 * is the statement's start, which is when its snapshot of the orders was taken (the nightly
 * job leaves alone a customer refreshed after its own snapshot).
 */
export const REFRESH_SQL = `
  WITH refreshed AS (
    UPDATE customers c SET ${ASSIGNMENTS}, value_computed_at = statement_timestamp()
      FROM (${scoredSql(`(${statsSql('customers')})`, LATEST_THRESHOLDS)}) x
     WHERE c.id = x.id
    RETURNING c.id, c.value_tier, c.rfm_segment, c.clv)
  SELECT * FROM refreshed`;

/** The stats of every customer, into a temporary table of the nightly job's session. */
export const CREATE_STATS_TABLE_SQL = `
  CREATE TEMPORARY TABLE customer_value_stats AS ${statsSql('all')}`;

/**
 * One slice of customers ($3 ≤ id ≤ $4) of the nightly job's stats against its thresholds
 * ($2, the row it inserted), skipping customers refreshed after the job's snapshot ($5).
 * Only $1 (now) of the usual parameters: Postgres refuses parameters a statement never uses.
 */
export const NIGHTLY_SLICE_SQL = `
  WITH written AS (
    UPDATE customers c SET ${ASSIGNMENTS}, value_computed_at = $5::timestamptz
      FROM (${scoredSql(
        'customer_value_stats',
        '(SELECT * FROM value_thresholds WHERE id = $2::bigint)',
        'WHERE s.id BETWEEN $3::bigint AND $4::bigint',
      )}) x
     WHERE c.id = x.id AND c.id BETWEEN $3::bigint AND $4::bigint
       AND (c.value_computed_at IS NULL OR c.value_computed_at < $5::timestamptz)
    RETURNING 1)
  SELECT count(*)::int AS written FROM written`;
