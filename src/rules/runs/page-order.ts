import type { RuleDefinition } from '../rule.schema';

/**
 * Whether a run's pages must write their entries one after another instead of side by side.
 *
 * Pages are written by several transactions at once, and each waits (in the executor) for
 * the previous page to commit its cursor move before it moves the cursor itself. That is
 * safe while pages write different rows — messages are keyed by customer, and a page holds
 * distinct customers. A task is one per account, and an account's stakeholders can fall on
 * two pages: if the later page inserts the task first, the earlier page's insert waits in
 * Postgres for the later transaction, which waits in the executor for the earlier page — a
 * deadlock Postgres cannot see, so the run would hang. Task rules therefore write in page
 * order.
 */
export function writesInPageOrder(definition: Pick<RuleDefinition, 'action'>): boolean {
  return definition.action.type === 'task';
}
