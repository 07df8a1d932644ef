import type { EntityManager } from 'typeorm';

/**
 * A transaction-scoped Postgres advisory lock on one customer for one purpose: requests
 * that decide from what they read ("no check-in for this order today", "no other open case")
 * take turns instead of both passing. The two-key form keeps these apart from the
 * single-key locks of the periodic tasks; the purpose's hash keeps them apart from each other.
 */
export async function lockCustomerFor(
  q: Pick<EntityManager, 'query'>,
  purpose: 'post-purchase.check-ins' | 'post-purchase.cases',
  customerId: string,
) {
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [purpose, customerId]);
}
