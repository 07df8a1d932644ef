import type { QueryRunnerLike } from './query-runner';
import type { ReportPeriod } from './report-period';
import {
  CustomerFigures,
  customerFigures,
  money,
  ratio,
  RevenueFigures,
  revenueFigures,
} from './retention-metrics';

export interface OverviewReport {
  period: ReportPeriod;
  customers: CustomerFigures;
  orders: {
    /** Orders placed in the period and not cancelled. */
    orders: number;
    /** Customers with at least one of them. */
    customers: number;
    /** Customers with two or more of them. */
    repeatCustomers: number;
    /** repeatCustomers / customers. */
    repeatPurchaseRate: number | null;
  };
  revenue: RevenueFigures;
  /** Messages created in the period, by module and their status now. */
  messages: { module: string; status: string; count: number }[];
  checkIns: {
    /** Check-ins created in the period (by a rule or by support staff). */
    asked: number;
    /** Of those, answered (by now). */
    answered: number;
    good: number;
    problem: number;
    /** answered / asked. */
    answerRate: number | null;
    /** problem / answered. */
    problemRate: number | null;
  };
  cases: { opened: number; resolved: number };
  tasks: {
    /** Tasks created in the period (held-out ones are not work and are left out). */
    created: number;
    /** Tasks completed in the period, whenever created. */
    completed: number;
    /** Tasks open at `to` whose due time was before `to`. */
    overdue: number;
  };
}

/*
 * "Lost" (churned) as of a time T: the customer's latest `customer.churned` event before T
 * has no order (not cancelled) placed after it and before T. A customer who orders again is
 * a customer again.
 *
 * Only customers with churn events can be lost, and they are few (events by type and time
 * are indexed), so they are flagged on their own, once (MATERIALIZED: the flags are read
 * five times below); everyone is counted from the `first_order_at` projection in one pass.
 * Most churned customers never order again, which `last_order_at` (their latest order, not
 * cancelled) already says; only the others are looked up in their orders (by customer and
 * time: indexed). CASE, not AND/OR, because only CASE promises to skip the lookup.
 */
const CUSTOMERS_SQL = `
  WITH churn AS (
    SELECT customer_id,
           max(occurred_at) FILTER (WHERE occurred_at < $1) AS before_from,
           max(occurred_at) AS before_to
      FROM events
     WHERE type = 'customer.churned' AND occurred_at < $2
     GROUP BY customer_id
  ), lost AS MATERIALIZED (
    SELECT c.first_order_at,
           CASE WHEN ch.before_from IS NULL OR c.first_order_at >= $1 THEN false
                WHEN c.last_order_at <= ch.before_from THEN true
                ELSE NOT EXISTS (
                  SELECT 1 FROM orders o
                   WHERE o.customer_id = c.id AND o.cancelled_at IS NULL
                     AND o.placed_at > ch.before_from AND o.placed_at < $1)
           END AS at_from,
           CASE WHEN c.last_order_at <= ch.before_to THEN true
                ELSE NOT EXISTS (
                  SELECT 1 FROM orders o
                   WHERE o.customer_id = c.id AND o.cancelled_at IS NULL
                     AND o.placed_at > ch.before_to AND o.placed_at < $2)
           END AS at_to
      FROM churn ch JOIN customers c ON c.id = ch.customer_id
     WHERE c.first_order_at < $2
  ), ordered AS (
    SELECT count(*) FILTER (WHERE first_order_at < $1)::int AS before_from,
           count(*)::int AS before_to,
           count(*) FILTER (WHERE first_order_at >= $1)::int AS new
      FROM customers
     WHERE first_order_at < $2
  )
  SELECT o.before_from, o.before_to, o.new,
         count(*) FILTER (WHERE l.at_from)::int AS lost_at_from,
         count(*) FILTER (WHERE l.at_to)::int AS lost_at_to,
         count(*) FILTER (WHERE l.first_order_at < $1 AND NOT l.at_from AND l.at_to)::int AS churned,
         count(*) FILTER (WHERE l.at_from AND NOT l.at_to)::int AS won_back,
         count(*) FILTER (WHERE l.first_order_at >= $1 AND l.at_to)::int AS new_churned
    FROM ordered o LEFT JOIN lost l ON true
   GROUP BY o.before_from, o.before_to, o.new`;

/*
 * Orders placed in the period and not cancelled; a returned order counts as an order (the
 * customer did buy) but not as revenue (the money went back) — the same rules as the
 * customer's `ordersCount` and `totalSpent`. Every order of the period is read by time
 * (indexed, and in a live shop stored in that order); repeat buyers need one group per
 * customer, revenue none. A customer is new when their first order is in the period; in a
 * short period they are few, found by `first_order_at` (indexed) and their orders by
 * customer (indexed) — in a long one the planner joins the period's orders instead. The
 * others' revenue is the rest: whoever ordered in the period and is not new had their first
 * order before it.
 */
const ORDERS_SQL = `
  WITH per_customer AS (
    SELECT customer_id, count(*) AS orders
      FROM orders
     WHERE placed_at >= $1 AND placed_at < $2 AND cancelled_at IS NULL
     GROUP BY customer_id
  ), revenue AS (
    SELECT COALESCE(sum(total), 0) AS total FROM orders
     WHERE placed_at >= $1 AND placed_at < $2 AND cancelled_at IS NULL AND returned_at IS NULL
  ), new_revenue AS (
    SELECT COALESCE(sum(o.total), 0) AS total
      FROM customers c JOIN orders o ON o.customer_id = c.id
     WHERE c.first_order_at >= $1 AND c.first_order_at < $2
       AND o.placed_at >= $1 AND o.placed_at < $2
       AND o.cancelled_at IS NULL AND o.returned_at IS NULL
  )
  SELECT COALESCE(sum(p.orders), 0)::int AS orders,
         count(p.customer_id)::int AS customers,
         count(p.customer_id) FILTER (WHERE p.orders >= 2)::int AS repeat_customers,
         (SELECT total FROM new_revenue) AS new_revenue,
         (SELECT r.total - n.total FROM revenue r, new_revenue n) AS returning_revenue
    FROM per_customer p`;

const MESSAGES_SQL = `
  SELECT module, status, count(*)::int AS count
    FROM messages
   WHERE created_at >= $1 AND created_at < $2
   GROUP BY module, status
   ORDER BY module, status`;

/*
 * Cases and tasks are a few per customer problem or per account: small tables, read whole.
 * A task is overdue at `to` when it existed, was due and was not completed by then.
 */
const SERVICE_SQL = `
  SELECT
    (SELECT row_to_json(k) FROM (
       SELECT count(*)::int AS asked,
              count(answered_at)::int AS answered,
              count(*) FILTER (WHERE answer = 'good')::int AS good,
              count(*) FILTER (WHERE answer = 'problem')::int AS problem
         FROM check_ins WHERE created_at >= $1 AND created_at < $2) k) AS check_ins,
    (SELECT row_to_json(s) FROM (
       SELECT count(*) FILTER (WHERE opened_at >= $1 AND opened_at < $2)::int AS opened,
              count(*) FILTER (WHERE resolved_at >= $1 AND resolved_at < $2)::int AS resolved
         FROM cases WHERE opened_at < $2) s) AS cases,
    (SELECT row_to_json(t) FROM (
       SELECT count(*) FILTER (WHERE created_at >= $1)::int AS created,
              count(*) FILTER (WHERE completed_at >= $1 AND completed_at < $2)::int AS completed,
              count(*) FILTER (WHERE due_at < $2 AND (completed_at IS NULL OR completed_at >= $2))::int AS overdue
         FROM tasks WHERE status <> 'held_out' AND created_at < $2) t) AS tasks`;

interface CustomersRow {
  before_from: number;
  before_to: number;
  new: number;
  lost_at_from: number;
  lost_at_to: number;
  churned: number;
  won_back: number;
  new_churned: number;
}

interface OrdersRow {
  orders: number;
  customers: number;
  repeat_customers: number;
  new_revenue: string | null;
  returning_revenue: string | null;
}

interface ServiceRow {
  check_ins: { asked: number; answered: number; good: number; problem: number };
  cases: { opened: number; resolved: number };
  tasks: { created: number; completed: number; overdue: number };
}

/**
 * `GET /v1/reports/overview`: how many customers we kept, lost and gained in [from, to), how
 * often they came back, where the revenue came from, and what the engine did meanwhile.
 * Four set-based queries over indexed columns (README "Reports" has every definition). Run
 * it, like every report, through `inReportSnapshot`: one snapshot, JIT off, more work_mem.
 */
export async function overviewReport(
  q: QueryRunnerLike,
  period: ReportPeriod,
): Promise<OverviewReport> {
  const params = [period.from, period.to];
  const [customers] = await q.query<CustomersRow[]>(CUSTOMERS_SQL, params);
  const [orders] = await q.query<OrdersRow[]>(ORDERS_SQL, params);
  const messages = await q.query<{ module: string; status: string; count: number }[]>(
    MESSAGES_SQL,
    params,
  );
  const [service] = await q.query<ServiceRow[]>(SERVICE_SQL, params);
  const checkIns = service.check_ins;
  return {
    period,
    customers: customerFigures({
      orderedBeforeFrom: customers.before_from,
      orderedBeforeTo: customers.before_to,
      lostAtFrom: customers.lost_at_from,
      lostAtTo: customers.lost_at_to,
      new: customers.new,
      churned: customers.churned,
      wonBack: customers.won_back,
      newChurned: customers.new_churned,
    }),
    orders: {
      orders: orders.orders,
      customers: orders.customers,
      repeatCustomers: orders.repeat_customers,
      repeatPurchaseRate: ratio(orders.repeat_customers, orders.customers),
    },
    revenue: revenueFigures(money(orders.new_revenue), money(orders.returning_revenue)),
    messages,
    checkIns: {
      ...checkIns,
      answerRate: ratio(checkIns.answered, checkIns.asked),
      problemRate: ratio(checkIns.problem, checkIns.answered),
    },
    cases: service.cases,
    tasks: service.tasks,
  };
}
