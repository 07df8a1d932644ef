import type { EntityManager } from 'typeorm';

/**
 * Row-locks these customers for the rest of the transaction, in id order — the order every
 * writer of customers locks them in (ingestion's order statistics, value refreshes, the event
 * evaluator), so two transactions over overlapping customers queue instead of deadlocking.
 * FOR NO KEY UPDATE, not FOR UPDATE: inserting an event or order that references a customer
 * takes a KEY SHARE lock, which this one does not block.
 */
export async function lockCustomers(q: Pick<EntityManager, 'query'>, customerIds: string[]) {
  await q.query(
    'SELECT 1 FROM customers WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE',
    [[...new Set(customerIds)]],
  );
}
