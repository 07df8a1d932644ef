import { join } from 'node:path';
import type { Client } from 'pg';
import type { MessageRequest } from '../../../src/messaging/messages/message-request';

/**
 * The messages the messaging benchmarks schedule and send: promotions of the
 * reinforcing-promotions module with the shipped default template, to customers with
 * marketing consent spread over a few time zones, and how to load the compiled service.
 */

export const PROMOTION_TEMPLATE = 'reinforcing-promotions.promotion';

export const TIME_ZONES = [
  'Europe/Paris',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Sydney',
  'America/Sao_Paulo',
];

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];

/** Inserts `count` customers (all with marketing consent) and returns their internal ids. */
export async function seedCustomers(client: Client, count: number, tag: string) {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO customers (external_id, email, first_name, last_name, locale, timezone,
                            marketing_consent, orders_count, total_spent, last_order_at)
     SELECT $2 || '-' || i, $2 || '-' || i || '@bench.invalid',
            ($3::text[])[1 + i % cardinality($3::text[])], 'Bench',
            (ARRAY['en', 'fr', 'de', 'ja'])[1 + i % 4],
            ($4::text[])[1 + i % cardinality($4::text[])],
            true, 1 + i % 7, (20 + i % 500)::numeric, now() - make_interval(days => i % 300)
       FROM generate_series(1, $1::int) AS i
     RETURNING id`,
    [count, tag, FIRST_NAMES, TIME_ZONES],
  );
  await client.query('ANALYZE customers');
  return rows.map((row) => row.id);
}

/** A promotion's template context: what the module would pass. */
export const promotionContext = (n: number) => ({
  promotion: {
    code: `BENCH-${(n + 1).toString(36).toUpperCase().padStart(6, '0')}`,
    discountPercent: 10 + (n % 4) * 5,
    expiresAt: '2031-12-31T23:59:59Z',
  },
});

/**
 * `count` promotion requests, the n-th about customer n modulo the customers, so one
 * customer's messages are far apart in the queue (the claim locks the customer's row).
 */
export function promotionRequests(opts: {
  tag: string;
  count: number;
  customerIds: string[];
  sendAt: Date;
}): MessageRequest[] {
  const { tag, count, customerIds, sendAt } = opts;
  const expiresAt = new Date(sendAt.getTime() + 7 * 86_400_000);
  return Array.from({ length: count }, (_, n) => ({
    dedupeKey: `${tag}.${n}`,
    customerId: customerIds[n % customerIds.length],
    module: 'reinforcing-promotions',
    kind: 'promotion',
    class: 'marketing',
    priority: 50,
    templateKey: PROMOTION_TEMPLATE,
    context: promotionContext(n),
    sendAt,
    expiresAt,
    ruleId: null,
    goalEvent: null,
  }));
}

/** A module of the compiled service (`dist/…`), typed as its source: what is deployed is measured. */
export async function loadCompiled<T>(root: string, path: string): Promise<T> {
  return (await import(join(root, 'dist', path))) as T;
}
