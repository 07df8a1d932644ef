import type { Client } from 'pg';

/**
 * The analytics benchmark's shop, generated inside Postgres with set-based SQL
 * (`generate_series`, no rows through Node): `customers` customers, `orders` orders over the
 * last three years with 1–3 lines each, a catalogue of 1,000 products (30 % without their own
 * margin), cancellations, returns, support cases, redeemed and unused promotion codes, and
 * churn events for the overview report. Deterministic apart from `random()` in who ordered
 * when, so two runs are alike.
 */
export interface DatasetSize {
  customers: number;
  orders: number;
}

export interface DatasetCounts {
  customers: number;
  customersWithOrders: number;
  orders: number;
  orderItems: number;
  cases: number;
  promotions: number;
  redeemed: number;
  churnEvents: number;
}

const PRODUCTS = 1000;
/** Shares of the orders (by id, so exact). */
const CANCELLED_EVERY = 20; // 5 %
const RETURNED_EVERY = 25; // 4 %
const REDEEMED_EVERY = 40; // 2.5 % of orders carry a redeemed code (ids ≡ 1 mod 40: never cancelled)

/** Price of product `s` (1-based), as an SQL expression: 5.00 to 500.99, spread over the SKUs. */
const price = (s: string) => `(5 + ((${s}) * 37) % 496 + ((${s}) % 100) / 100.0)`;
/** SKU number of line `l` of order `o`. */
const sku = (o: string, l: string) => `(1 + ((${o}) * 7 + (${l}) * 131) % ${PRODUCTS})`;
/** Quantity of line `l` of order `o`: 1 to 3. */
const quantity = (o: string, l: string) => `(1 + ((${o}) + (${l})) % 3)`;
/** Lines of order `o`: 1 to 3, two on average. */
const lines = (o: string) => `(1 + (${o}) % 3)`;
const lineAmount = (o: string, l: number) =>
  `CASE WHEN ${lines(o)} >= ${l} THEN ${quantity(o, String(l))} * ${price(sku(o, String(l)))} ELSE 0 END`;

type Log = (line: string) => void;

async function timed(client: Client, log: Log, label: string, sql: string, params: unknown[] = []) {
  const started = Date.now();
  const result = await client.query(sql, params);
  log(`  ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

interface DroppedDefinition {
  table: string;
  name: string;
  /** `constraint`: ALTER TABLE … ADD CONSTRAINT name <definition>; `index`: CREATE INDEX as is. */
  kind: 'constraint' | 'index';
  definition: string;
}

/**
 * What a bulk loader does: the loaded tables' foreign keys, unique constraints and secondary
 * indexes are dropped for the load and built again afterwards (a sort per index instead of a
 * random B-tree insert per row). Primary keys stay. Everything is rebuilt exactly as the
 * migrations made it, so the timed queries see the real schema.
 */
async function dropSecondary(client: Client, tables: string[]): Promise<DroppedDefinition[]> {
  const { rows: constraints } = await client.query<{ table: string; name: string; def: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def
       FROM pg_constraint
      WHERE conrelid = ANY($1::regclass[]) AND contype IN ('f', 'u')
      ORDER BY contype DESC`, // unique before foreign keys when re-created
    [tables],
  );
  const { rows: indexes } = await client.query<{ table: string; name: string; def: string }>(
    `SELECT i.tablename AS table, i.indexname AS name, i.indexdef AS def
       FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [tables],
  );
  for (const c of [...constraints].reverse())
    await client.query(`ALTER TABLE ${c.table} DROP CONSTRAINT "${c.name}"`);
  for (const i of indexes) await client.query(`DROP INDEX "${i.name}"`);
  return [
    ...indexes.map((i) => ({
      table: i.table,
      name: i.name,
      kind: 'index' as const,
      definition: i.def,
    })),
    ...constraints.map((c) => ({
      table: c.table,
      name: c.name,
      kind: 'constraint' as const,
      definition: c.def,
    })),
  ];
}

async function restore(client: Client, dropped: DroppedDefinition[], log: Log) {
  for (const d of dropped) {
    const sql =
      d.kind === 'index'
        ? d.definition
        : `ALTER TABLE ${d.table} ADD CONSTRAINT "${d.name}" ${d.definition}`;
    await timed(client, log, `rebuild ${d.table}.${d.name}`, sql);
  }
}

export async function generateDataset(
  client: Client,
  size: DatasetSize,
  log: Log,
): Promise<DatasetCounts> {
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET maintenance_work_mem = '1GB'`);
  const dropped = await dropSecondary(client, [
    'customers',
    'orders',
    'order_items',
    'promotions',
    'cases',
    'events',
  ]);
  log(`dropped ${dropped.length} secondary indexes and constraints for the load`);

  await timed(
    client,
    log,
    `products (${PRODUCTS})`,
    `INSERT INTO products (sku, name, price, currency, category, margin)
     SELECT 'SKU-' || s, 'Product ' || s, ${price('s')}, 'EUR', 'cat-' || (s % 20),
            CASE WHEN s % 10 < 7 THEN round((0.05 + (s % 56) / 100.0)::numeric, 4) END
       FROM generate_series(1, ${PRODUCTS}) s`,
  );

  // Orders first (customer ids known in advance: 1..N), so each customer row is written once
  // with its order projection. Three years of orders, in time order. Customers are skewed: power(random(), 1.6) favours low ids,
  // so some customers order dozens of times and about a fifth never do.
  await timed(
    client,
    log,
    `orders (${size.orders.toLocaleString('en-US')})`,
    `INSERT INTO orders (id, external_id, customer_id, status, total, currency, placed_at,
                         delivered_at, cancelled_at, returned_at, created_at, updated_at)
     SELECT o, 'o-' || o, c, CASE WHEN cancelled THEN 'cancelled' WHEN returned THEN 'returned'
                                  WHEN delivered IS NOT NULL THEN 'delivered' ELSE 'placed' END,
            total, 'EUR', placed, delivered,
            CASE WHEN cancelled THEN placed + interval '1 hour' END,
            CASE WHEN returned THEN placed + interval '10 days' END, placed, placed
       FROM (
         SELECT o, 1 + floor(power(random(), 1.6) * $1)::bigint AS c, placed,
                o % ${CANCELLED_EVERY} = 0 AS cancelled,
                o % ${RETURNED_EVERY} = 0 AND o % ${CANCELLED_EVERY} <> 0 AND placed < now() - interval '10 days' AS returned,
                CASE WHEN placed < now() - interval '3 days' AND o % ${CANCELLED_EVERY} <> 0
                     THEN placed + interval '3 days' END AS delivered,
                round((${lineAmount('o', 1)} + ${lineAmount('o', 2)} + ${lineAmount('o', 3)})::numeric, 2) AS total
           -- In time order, as a live shop stores them: order ids follow placing times.
           FROM (SELECT o, now() - interval '1095 days' * (1 - o::float8 / $2) - random() * interval '1 hour' AS placed
                   FROM generate_series(1, $2::bigint) o) g
       ) x`,
    [size.customers, size.orders],
  );
  await timed(
    client,
    log,
    'order items',
    `INSERT INTO order_items (order_id, line, sku, quantity, unit_price)
     SELECT o, l, 'SKU-' || ${sku('o', 'l')}, ${quantity('o', 'l')}, ${price(sku('o', 'l'))}
       FROM generate_series(1, $1::bigint) o, generate_series(1, ${lines('o')}) l`,
    [size.orders],
  );
  await timed(
    client,
    log,
    `customers (${size.customers.toLocaleString('en-US')}) with their order projection`,
    `INSERT INTO customers (id, external_id, email, first_name, timezone, marketing_consent,
                            orders_count, total_spent, first_order_at, last_order_at, created_at, updated_at)
     SELECT c, 'c-' || c, 'c' || c || '@bench.example', 'Customer', 'Europe/Paris', c % 3 <> 0,
            COALESCE(s.orders_count, 0), COALESCE(s.total_spent, 0), s.first_order_at, s.last_order_at,
            COALESCE(s.first_order_at, now()) - interval '1 day', now()
       FROM generate_series(1, $1::bigint) c
       LEFT JOIN (
         SELECT customer_id,
                count(*) FILTER (WHERE cancelled_at IS NULL) AS orders_count,
                COALESCE(sum(total) FILTER (WHERE cancelled_at IS NULL AND returned_at IS NULL), 0) AS total_spent,
                min(placed_at) FILTER (WHERE cancelled_at IS NULL) AS first_order_at,
                max(placed_at) FILTER (WHERE cancelled_at IS NULL) AS last_order_at
           FROM orders GROUP BY customer_id) s ON s.customer_id = c`,
    [size.customers],
  );
  await client.query(`SELECT setval('customers_id_seq', $1)`, [size.customers]);
  await client.query(`SELECT setval('orders_id_seq', $1)`, [size.orders]);

  await timed(
    client,
    log,
    'support cases (3 % of customers, a few with several)',
    `INSERT INTO cases (id, customer_id, status, comment, opened_at, resolved_at)
     SELECT gen_random_uuid(), 1 + (k * 7919) % $1, CASE WHEN k % 4 = 0 THEN 'open' ELSE 'resolved' END,
            'Bench case', now() - (k % 700) * interval '1 day',
            CASE WHEN k % 4 <> 0 THEN now() - (k % 700) * interval '1 day' + interval '2 days' END
       FROM generate_series(1, ($1 * 3 / 100)::bigint) k`,
    [size.customers],
  );
  await timed(
    client,
    log,
    `redeemed promotion codes (1 order in ${REDEEMED_EVERY})`,
    `INSERT INTO promotions (id, dedupe_key, code, customer_id, discount_percent, expires_at,
                             redeemed_at, redeemed_order_id, created_at)
     SELECT gen_random_uuid(), 'bench.' || o.id, 'BENCH-' || o.id, o.customer_id,
            (10 + (o.id % 3) * 5)::numeric, o.placed_at + interval '1 day', o.placed_at, o.id,
            o.placed_at - interval '7 days'
       FROM orders o WHERE o.id % ${REDEEMED_EVERY} = 1`,
  );
  await timed(
    client,
    log,
    'unused promotion codes (5 % of customers)',
    `INSERT INTO promotions (id, dedupe_key, code, customer_id, discount_percent, expires_at, created_at)
     SELECT gen_random_uuid(), 'bench.unused.' || c, 'UNUSED-' || c, c, 15, now() + interval '7 days', now()
       FROM generate_series(1, $1::bigint, 20) c`,
    [size.customers],
  );
  await timed(
    client,
    log,
    'churn events (2 % of customers)',
    `INSERT INTO events (id, type, customer_id, occurred_at, properties, enqueued_at, evaluated_at)
     SELECT 'churn-' || c, 'customer.churned', c, now() - (c % 400) * interval '1 day',
            jsonb_build_object('reason', (ARRAY['price', 'service', 'competitor', 'moved'])[1 + c % 4]),
            now(), now()
       FROM generate_series(1, $1::bigint, 50) c`,
    [size.customers],
  );

  log('rebuilding what was dropped…');
  await restore(client, dropped, log);
  await timed(client, log, 'VACUUM ANALYZE', 'VACUUM (ANALYZE)');

  const { rows } = await client.query<Record<keyof DatasetCounts, string>>(
    `SELECT (SELECT count(*) FROM customers) AS customers,
            (SELECT count(*) FROM customers WHERE orders_count > 0) AS "customersWithOrders",
            (SELECT count(*) FROM orders) AS orders,
            (SELECT count(*) FROM order_items) AS "orderItems",
            (SELECT count(*) FROM cases) AS cases,
            (SELECT count(*) FROM promotions) AS promotions,
            (SELECT count(*) FROM promotions WHERE redeemed_at IS NOT NULL) AS redeemed,
            (SELECT count(*) FROM events) AS "churnEvents"`,
  );
  return Object.fromEntries(
    Object.entries(rows[0]).map(([key, value]) => [key, Number(value)]),
  ) as unknown as DatasetCounts;
}
