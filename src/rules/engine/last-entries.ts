import type { EntityManager } from 'typeorm';

/** Key of `lastEntries`' answer. */
export const entryKey = (ruleId: string, customerId: string) => `${ruleId} ${customerId}`;

/**
 * When each of these customers last entered each of these rules: their latest message or task
 * of it, in one statement for a whole wave of events (keyed by `entryKey`; never entered:
 * absent). Reads more pairs than asked when several customers and rules mix; they are
 * ignored.
 */
export async function lastEntries(
  em: Pick<EntityManager, 'query'>,
  ruleIds: readonly string[],
  customerIds: readonly string[],
): Promise<Map<string, Date>> {
  if (ruleIds.length === 0 || customerIds.length === 0) return new Map();
  const rows = await em.query<{ rule_id: string; customer_id: string; at: Date }[]>(
    `SELECT rule_id, customer_id::text AS customer_id, max(at) AS at FROM (
       SELECT rule_id, customer_id, created_at AS at FROM messages
        WHERE customer_id = ANY($1::bigint[]) AND rule_id = ANY($2::uuid[])
       UNION ALL
       SELECT rule_id, customer_id, created_at FROM tasks
        WHERE customer_id = ANY($1::bigint[]) AND rule_id = ANY($2::uuid[])) e
     GROUP BY rule_id, customer_id`,
    [customerIds, ruleIds],
  );
  return new Map(rows.map((r) => [entryKey(r.rule_id, r.customer_id), r.at]));
}
