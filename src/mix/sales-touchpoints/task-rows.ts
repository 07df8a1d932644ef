import type { DigestTask } from './task-digests';

/**
 * The columns every staff email about a task reads: the task, its account's name and the
 * stakeholder it was made for. `t` is `tasks`; the query joins accounts `a` and customers `c`.
 */
export const DIGEST_COLUMNS = `t.id, t.title, t.due_at, t.assignee_email, t.assignee_name,
  a.name AS account_name, NULLIF(concat_ws(' ', c.first_name, c.last_name), '') AS customer_name`;

export const DIGEST_JOINS = `LEFT JOIN accounts a ON a.id = t.account_id
  LEFT JOIN customers c ON c.id = t.customer_id`;

/** The rule's `action.notify` (default true): false = its tasks never email their owner. */
export const NOTIFY_SQL = `COALESCE(r.definition->'action'->>'notify', 'true') <> 'false'`;

export interface DigestRow {
  id: string;
  title: string;
  due_at: Date;
  assignee_email: string;
  assignee_name: string | null;
  account_name: string | null;
  customer_name: string | null;
}

export const digestTask = (row: DigestRow): DigestTask => ({
  id: row.id,
  title: row.title,
  dueAt: row.due_at,
  assigneeEmail: row.assignee_email,
  assigneeName: row.assignee_name,
  accountName: row.account_name,
  customerName: row.customer_name,
});
