import { EntityManager } from 'typeorm';
import { OrderPatch } from './order-projection';
import { lockCustomers } from './lock-customers';

/**
 * Which orders count: placed and not cancelled. A returned order still counts as an order
 * (the customer did buy) but its total leaves `totalSpent` (the money went back).
 */
const COUNTED = 'o.placed_at IS NOT NULL AND o.cancelled_at IS NULL';

/** SQL: take the incoming `column` when its lifecycle step (`at`) is earlier than the stored one. */
const earliestWins = (at: string, column: string) =>
  `CASE WHEN EXCLUDED.${at} IS NOT NULL AND (orders.${at} IS NULL OR EXCLUDED.${at} < orders.${at})
        THEN EXCLUDED.${column} ELSE orders.${column} END`;

/**
 * SQL: an order's status from its lifecycle times, the latest step that happened winning;
 * `at(column)` gives the time each step has after the write. In the upsert itself, so each
 * order is written once: a second UPDATE for the status took 5 % of Postgres's statement time
 * in the rules-events benchmark.
 */
const statusOf = (at: (column: string) => string) => `CASE
        WHEN ${at('returned_at')} IS NOT NULL THEN 'returned'
        WHEN ${at('cancelled_at')} IS NOT NULL THEN 'cancelled'
        WHEN ${at('delivered_at')} IS NOT NULL THEN 'delivered'
        WHEN ${at('placed_at')} IS NOT NULL THEN 'placed'
        ELSE 'pending' END`;

/**
 * Writes order patches and recomputes the touched customers' statistics, inside the
 * caller's transaction.
 *
 * Correctness under concurrency: the customers are locked (in id order, so two batches
 * cannot deadlock on them) before the statistics are recomputed from the orders table by a
 * statement that starts after the lock is held. Postgres's READ COMMITTED gives every
 * statement a fresh snapshot, so that recompute sees every order committed before ours.
 * The lock is FOR NO KEY UPDATE, not FOR UPDATE: inserting an event or order takes a KEY
 * SHARE lock on its customer (the foreign key), which FOR UPDATE would wait on — two
 * requests for one customer would deadlock.
 */
export async function applyOrderPatches(em: EntityManager, patches: OrderPatch[]): Promise<void> {
  if (patches.length === 0) return;
  // Orders are locked in one order (by id) by every writer, so two batches cannot deadlock.
  patches = [...patches].sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  const col = <K extends keyof OrderPatch>(key: K) => patches.map((p) => p[key]);
  const orders: { id: string; external_id: string; customer_id: string; placed_at: Date | null }[] =
    await em.query(
      `INSERT INTO orders (external_id, customer_id, total, currency, coupon_code, placed_at,
                         delivered_at, cancelled_at, cancel_reason, returned_at, return_reason,
                         status)
     SELECT t.*, ${statusOf((at) => `t.${at}`)}
       FROM unnest($1::text[], $2::bigint[], $3::numeric[], $4::char(3)[], $5::text[],
                   $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::text[],
                   $10::timestamptz[], $11::text[])
            AS t(external_id, customer_id, total, currency, coupon_code, placed_at,
                 delivered_at, cancelled_at, cancel_reason, returned_at, return_reason)
     ON CONFLICT (external_id) DO UPDATE SET
       total = ${earliestWins('placed_at', 'total')},
       currency = ${earliestWins('placed_at', 'currency')},
       coupon_code = ${earliestWins('placed_at', 'coupon_code')},
       cancel_reason = ${earliestWins('cancelled_at', 'cancel_reason')},
       return_reason = ${earliestWins('returned_at', 'return_reason')},
       placed_at = LEAST(orders.placed_at, EXCLUDED.placed_at),
       delivered_at = LEAST(orders.delivered_at, EXCLUDED.delivered_at),
       cancelled_at = LEAST(orders.cancelled_at, EXCLUDED.cancelled_at),
       returned_at = LEAST(orders.returned_at, EXCLUDED.returned_at),
       status = ${statusOf((at) => `LEAST(orders.${at}, EXCLUDED.${at})`)},
       updated_at = now()
     RETURNING id, external_id, customer_id, placed_at`,
      [
        col('externalId'),
        col('customerId'),
        col('total'),
        col('currency'),
        col('couponCode'),
        col('placedAt'),
        col('deliveredAt'),
        col('cancelledAt'),
        col('cancelReason'),
        col('returnedAt'),
        col('returnReason'),
      ],
    );
  const idByExternal = new Map(orders.map((o) => [o.external_id, o.id]));
  // The earliest `order.placed` fixes the lines, whatever the arrival order: a patch whose
  // placing time is the order's (earliest) one after the upsert brings the lines that stand.
  const placedAt = new Map(orders.map((o) => [o.external_id, o.placed_at?.getTime()]));
  const replacesLines = patches.filter(
    (p) => p.placedAt !== null && placedAt.get(p.externalId) === p.placedAt.getTime(),
  );
  const replaced = replacesLines.map((p) => idByExternal.get(p.externalId)!);
  await em.query('DELETE FROM order_items WHERE order_id = ANY($1::bigint[])', [replaced]);
  const items = replacesLines.flatMap((p) =>
    (p.items ?? []).map((item, index) => ({
      orderId: idByExternal.get(p.externalId)!,
      line: index + 1,
      ...item,
    })),
  );
  if (items.length > 0) {
    await em.query(
      `INSERT INTO order_items (order_id, line, sku, quantity, unit_price)
       SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::int[], $5::numeric[])`,
      [
        items.map((i) => i.orderId),
        items.map((i) => i.line),
        items.map((i) => i.sku),
        items.map((i) => i.quantity),
        items.map((i) => i.unitPrice),
      ],
    );
  }

  // The customers are locked only now, just before their statistics are recomputed: the lock
  // is what makes the recompute see every order committed before ours, and holding it for
  // the shortest time keeps concurrent batches for the same customers from queueing.
  const touched = [...new Set(orders.map((o) => o.customer_id))].sort((a, b) =>
    Number(BigInt(a) - BigInt(b)),
  );
  await lockCustomers(em, touched);
  // Each customer's orders are aggregated in a LATERAL subquery: an index probe per customer.
  // As one join and GROUP BY, Postgres hashed the whole orders table for each batch and the
  // update scanned every customer, a cost that grows with the tables (in the rules-events
  // benchmark, 10,000 customers: 715–825 ms over 63 batches, 654 ms with the probes).
  await em.query(
    `UPDATE customers c SET
        orders_count = s.orders_count, total_spent = s.total_spent,
        first_order_at = s.first_order_at, last_order_at = s.last_order_at, updated_at = now()
       FROM unnest($1::bigint[]) AS t(id)
       CROSS JOIN LATERAL (
         SELECT count(o.id) FILTER (WHERE ${COUNTED}) AS orders_count,
                COALESCE(sum(o.total) FILTER (WHERE ${COUNTED} AND o.returned_at IS NULL), 0) AS total_spent,
                min(o.placed_at) FILTER (WHERE ${COUNTED}) AS first_order_at,
                max(o.placed_at) FILTER (WHERE ${COUNTED}) AS last_order_at
           FROM orders o
          WHERE o.customer_id = t.id
       ) s
      WHERE c.id = ANY($1::bigint[]) AND c.id = t.id`,
    [touched],
  );
}
