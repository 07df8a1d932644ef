import type { TaskStatus } from './task.entity';

/** A task row with what the API shows of its account and customer. */
export interface TaskRow {
  id: string;
  rule_id: string | null;
  run_id: string | null;
  status: TaskStatus;
  title: string;
  due_at: Date;
  assignee_email: string;
  assignee_name: string | null;
  account_external_id: string | null;
  account_name: string | null;
  customer_external_id: string | null;
  outcome: string | null;
  notes: string | null;
  value_delivered: string | null;
  completed_at: Date | null;
  completed_by: string | null;
  notified_at: Date | null;
  reminded_at: Date | null;
  escalated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** created_at to the microsecond: a cursor must not lose the rows of its last millisecond. */
  cursor_at: string;
}

export const TASK_SELECT = `SELECT t.id, t.rule_id, t.run_id, t.status, t.title, t.due_at,
       t.assignee_email, t.assignee_name, a.external_id AS account_external_id, a.name AS account_name,
       c.external_id AS customer_external_id, t.outcome, t.notes, t.value_delivered, t.completed_at,
       t.completed_by, t.notified_at, t.reminded_at, t.escalated_at, t.created_at, t.updated_at,
       to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
  FROM tasks t
  LEFT JOIN accounts a ON a.id = t.account_id
  LEFT JOIN customers c ON c.id = t.customer_id`;

/** A task as the API answers it: external ids only, never internal ones. */
export const taskView = (t: TaskRow) => ({
  id: t.id,
  title: t.title,
  status: t.status,
  dueAt: t.due_at,
  assignee: { email: t.assignee_email, name: t.assignee_name },
  account: t.account_external_id ? { id: t.account_external_id, name: t.account_name } : null,
  customerId: t.customer_external_id,
  ruleId: t.rule_id,
  runId: t.run_id,
  outcome: t.outcome,
  notes: t.notes,
  valueDelivered: t.value_delivered,
  completedAt: t.completed_at,
  completedBy: t.completed_by,
  notifiedAt: t.notified_at,
  remindedAt: t.reminded_at,
  escalatedAt: t.escalated_at,
  createdAt: t.created_at,
  updatedAt: t.updated_at,
});

export type TaskView = ReturnType<typeof taskView>;
