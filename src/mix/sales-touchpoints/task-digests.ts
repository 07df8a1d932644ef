import { createHash } from 'node:crypto';
import type { MessageRequest } from '../../messaging/messages/message-request';
import type { TaskContext } from '../../messaging/templates/template-context';

/**
 * Emails to staff about tasks are digests: one per recipient per pass, listing every task it
 * concerns, never one email per task. Pure: which emails a set of tasks makes.
 */

/** A task as a digest lists it. */
export interface DigestTask {
  id: string;
  title: string;
  dueAt: Date;
  assigneeEmail: string;
  assigneeName: string | null;
  accountName: string | null;
  customerName: string | null;
}

/** The three staff emails, each a template `sales-touchpoints.<kind>`. */
export type DigestKind = 'task-notice' | 'task-reminder' | 'task-escalation';

/** Where a rep (or an API client acting for them) finds the task. */
export const taskUrl = (publicBaseUrl: string, id: string) => `${publicBaseUrl}/v1/tasks/${id}`;

export function taskContext(task: DigestTask, publicBaseUrl: string): TaskContext {
  return {
    title: task.title,
    dueAt: task.dueAt,
    url: taskUrl(publicBaseUrl, task.id),
    accountName: task.accountName,
    customerName: task.customerName,
    assigneeName: task.assigneeName,
    assigneeEmail: task.assigneeEmail,
  };
}

/**
 * The same tasks make the same key, so a pass that is retried after its commit was lost
 * schedules nothing twice; tasks are marked in the same transaction, so they are never
 * listed in a second digest either.
 */
export function digestDedupeKey(kind: DigestKind, taskIds: readonly string[]): string {
  const hash = createHash('sha256')
    .update([...taskIds].sort().join(','))
    .digest('hex')
    .slice(0, 32);
  return `${kind}.${hash}`;
}

/** Soonest due first, so the most urgent task tops the list. */
const byDue = (a: DigestTask, b: DigestTask) =>
  a.dueAt.getTime() - b.dueAt.getTime() || a.title.localeCompare(b.title);

function digest(
  kind: DigestKind,
  recipient: string,
  tasks: DigestTask[],
  publicBaseUrl: string,
  sendAt: Date,
): MessageRequest {
  const sorted = [...tasks].sort(byDue);
  return {
    dedupeKey: digestDedupeKey(
      kind,
      sorted.map((t) => t.id),
    ),
    customerId: null,
    recipient,
    module: 'sales-touchpoints',
    kind,
    class: 'service',
    templateKey: `sales-touchpoints.${kind}`,
    context: { tasks: sorted.map((t) => taskContext(t, publicBaseUrl)) },
    sendAt,
  };
}

/** One email per assignee (addresses compared without case), listing their tasks. */
export function digestsByAssignee(
  kind: Exclude<DigestKind, 'task-escalation'>,
  tasks: readonly DigestTask[],
  publicBaseUrl: string,
  sendAt: Date,
): MessageRequest[] {
  const byAssignee = new Map<string, DigestTask[]>();
  for (const task of tasks) {
    const key = task.assigneeEmail.trim().toLowerCase();
    const list = byAssignee.get(key);
    if (list) list.push(task);
    else byAssignee.set(key, [task]);
  }
  return [...byAssignee.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([recipient, list]) => digest(kind, recipient, list, publicBaseUrl, sendAt));
}

/** One email to the sales manager listing every escalated task with its owner. */
export function escalationDigest(
  tasks: readonly DigestTask[],
  managerEmail: string,
  publicBaseUrl: string,
  sendAt: Date,
): MessageRequest | null {
  if (tasks.length === 0) return null;
  return digest('task-escalation', managerEmail, [...tasks], publicBaseUrl, sendAt);
}
