import { conditionToSql } from '../conditions/condition-to-sql';
import type { ConditionNode } from '../conditions/condition.types';

/**
 * The audience of a schedule or manual rule as SQL: the customers its conditions select,
 * never an erased one, read in keyset pages (`c.id > cursor ORDER BY c.id LIMIT n`) so a page
 * costs the same at the millionth customer as at the first and a resumed run starts exactly
 * after the last committed page.
 *
 * Conditions are compiled against `asOf` (the run's trigger time), not the clock: every page
 * of a run — and a run resumed an hour later by another worker — draws the same
 * `olderThan`/`newerThan` cutoffs, so a customer cannot fall in or out of the audience
 * between pages because time moved.
 */
export interface AudienceQuery {
  sql: string;
  params: unknown[];
}

const FROM = 'FROM customers c LEFT JOIN accounts a ON a.id = c.account_id';

/** `WHERE` conditions shared by the count and the pages; parameters are appended to `params`. */
function audienceFilter(
  conditions: ConditionNode | undefined,
  asOf: Date,
  params: unknown[],
): string {
  const compiled = conditions ? conditionToSql(conditions, asOf, params) : 'TRUE';
  return `c.erased_at IS NULL AND ${compiled}`;
}

/** How many customers the audience has now (an estimate: customers join and leave meanwhile). */
export function audienceCountQuery(
  conditions: ConditionNode | undefined,
  asOf: Date,
): AudienceQuery {
  const params: unknown[] = [];
  const where = audienceFilter(conditions, asOf, params);
  return { sql: `SELECT count(*)::int AS n ${FROM} WHERE ${where}`, params };
}

/** A row of an audience page: what an entry needs about the customer, and their last entry. */
export interface AudienceRow {
  id: string;
  external_id: string;
  email: string | null;
  timezone: string | null;
  locale: string | null;
  value_tier: string | null;
  account_id: string | null;
  /** When they last entered this rule (a message or a task of it), null if never. */
  last_entry_at: Date | null;
}

/**
 * The next page of the audience after customer `cursor` (null: from the start), with each
 * customer's last entry into the rule. `needsLastEntry` false (rules with `reentry: always`,
 * which never look at it) saves the two index probes per customer.
 */
export function audiencePageQuery(options: {
  ruleId: string;
  conditions: ConditionNode | undefined;
  asOf: Date;
  cursor: string | null;
  pageSize: number;
  needsLastEntry: boolean;
}): AudienceQuery {
  const params: unknown[] = [options.cursor ?? '0', options.pageSize];
  let lastEntry = 'NULL::timestamptz';
  if (options.needsLastEntry) {
    params.push(options.ruleId);
    const rule = `$${params.length}::uuid`;
    // The indexes on messages (rule_id, customer_id, created_at) and tasks (rule_id,
    // customer_id) answer each max() with one probe.
    lastEntry = `GREATEST(
         (SELECT max(m.created_at) FROM messages m WHERE m.rule_id = ${rule} AND m.customer_id = c.id),
         (SELECT max(t.created_at) FROM tasks t WHERE t.rule_id = ${rule} AND t.customer_id = c.id))`;
  }
  const where = audienceFilter(options.conditions, options.asOf, params);
  return {
    sql: `SELECT c.id, c.external_id, c.email, c.timezone, c.locale, c.value_tier, c.account_id,
                 ${lastEntry} AS last_entry_at
            ${FROM}
           WHERE c.id > $1::bigint AND ${where}
           ORDER BY c.id
           LIMIT $2::int`,
    params,
  };
}
