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

/**
 * `lockCustomers` for the ones no other transaction holds: locks those (in id order) and
 * returns their ids, skipping the rest instead of queueing behind them. The event evaluator
 * evaluates a skipped customer's events after its batch, so one customer whose orders an
 * ingestion batch is writing does not hold up a batch of events of a hundred others.
 */
export async function lockFreeCustomers(
  q: Pick<EntityManager, 'query'>,
  customerIds: string[],
): Promise<Set<string>> {
  const rows = await q.query<{ id: string }[]>(
    `SELECT id::text AS id FROM customers WHERE id = ANY($1::bigint[])
      ORDER BY id FOR NO KEY UPDATE SKIP LOCKED`,
    [[...new Set(customerIds)]],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * How a batch treats a customer another transaction holds (the event evaluator, the capped
 * delivery claims): it hands the customer's work back, to be tried again after
 * `HELD_CUSTOMER_PAUSE_MS`, and only after `HELD_TURNS_BEFORE_WAITING` such turns does a
 * batch wait for the lock. An ingestion batch holds its customers for a few tens of
 * milliseconds.
 */
export const HELD_TURNS_BEFORE_WAITING = 3;
const HELD_CUSTOMER_PAUSE_MS = 20;

/** The pause before work handed back for a held customer is tried again. */
export const pauseForHeldCustomer = () =>
  new Promise<void>((resolve) => setTimeout(resolve, HELD_CUSTOMER_PAUSE_MS));
