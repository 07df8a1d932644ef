import type { EntityManager } from 'typeorm';
import type { TaskContext } from '../../messaging/templates/template-context';
import type { Entry, Prepared } from '../../rules/engine/entry';

interface CompletedTaskRow {
  id: string;
  status: string;
  account_id: string | null;
  title: string;
  due_at: Date;
  outcome: string | null;
  notes: string | null;
  value_delivered: string | null;
  completed_at: Date | null;
  account_name: string | null;
  customer_name: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why an entry of a `task.completed` rule gets no message. */
export type CompletedTaskSkip = 'no_task' | 'task_not_completed' | 'task_of_another_account';

/**
 * The completed task named by each entry's `task.completed` event (`properties.taskId`), as
 * the `task` of its message — what the value summary tells the stakeholders. Reads every
 * task in one query; a read only, so a retried job prepares the same context again.
 *
 * The event is checked, not trusted (the API refuses engine event types from outside, but a
 * bad replay or a bug elsewhere must not leak a review): the task must exist, belong to the
 * account of the customer the entry is for, and be completed — a stakeholder never gets the
 * notes of another account's review.
 */
export async function completedTaskContexts(
  em: EntityManager,
  entries: readonly Entry[],
): Promise<Prepared[]> {
  const taskIds = entries.map((entry) => {
    const id = entry.event?.properties.taskId;
    return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null;
  });
  const wanted = [...new Set(taskIds.filter((id): id is string => id !== null))];
  const rows = wanted.length
    ? await em.query<CompletedTaskRow[]>(
        `SELECT t.id, t.status, t.account_id, t.title, t.due_at, t.outcome, t.notes,
                t.value_delivered, t.completed_at, a.name AS account_name,
                NULLIF(concat_ws(' ', c.first_name, c.last_name), '') AS customer_name
           FROM tasks t
           LEFT JOIN accounts a ON a.id = t.account_id
           LEFT JOIN customers c ON c.id = t.customer_id
          WHERE t.id = ANY($1::uuid[])`,
        [wanted],
      )
    : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return entries.map((entry, i): Prepared => {
    const row = taskIds[i] === null ? undefined : byId.get(taskIds[i]);
    const skip = whyNot(row, entry);
    return skip ? { skip } : { context: { task: taskContext(row!) } };
  });
}

function whyNot(row: CompletedTaskRow | undefined, entry: Entry): CompletedTaskSkip | null {
  if (!row) return 'no_task';
  if (row.account_id === null || row.account_id !== entry.customer.accountId) {
    return 'task_of_another_account';
  }
  if (row.status !== 'completed') return 'task_not_completed';
  return null;
}

function taskContext(row: CompletedTaskRow): TaskContext {
  return {
    title: row.title,
    dueAt: row.due_at,
    // The task's page is for staff (the API); a stakeholder's email does not link to it.
    url: null,
    accountName: row.account_name,
    customerName: row.customer_name,
    outcome: row.outcome,
    notes: row.notes,
    valueDelivered: row.value_delivered,
    completedAt: row.completed_at,
  };
}
