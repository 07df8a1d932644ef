import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../../common/auth/principal';
import { Clock } from '../../common/clock';
import { conflict, notFound } from '../../common/problem/problem';
import { EngineEvent, EngineEvents } from '../../events/engine-events';
import { assertMayActOn } from './task-access';
import { TASK_COMPLETED } from './task-action-check';
import type { CompleteTask } from './task.schemas';
import type { TaskStatus } from './task.entity';
import { TaskQueries } from './task-queries';
import type { TaskView } from './task.view';

interface LockedTask {
  id: string;
  status: TaskStatus;
  assignee_email: string;
  customer_id: string | null;
  account_external_id: string | null;
}

/** The engine event of a completion: one per task, so a retried request stores it once. */
export const taskCompletedEventId = (taskId: string) => `task.completed.${taskId}`;

/**
 * A rep records how a task went. The task and the `task.completed` event are written in one
 * transaction, so rules on that event (the value summary to every stakeholder) see every
 * completion exactly once; the event is queued for evaluation after the commit.
 */
@Injectable()
export class TaskCompletion {
  constructor(
    private readonly db: DataSource,
    private readonly engineEvents: EngineEvents,
    private readonly clock: Clock,
    private readonly queries: TaskQueries,
  ) {}

  async execute(id: string, input: CompleteTask, principal: Principal): Promise<TaskView> {
    const eventId = await this.db.transaction(async (em) => {
      const [task] = await em.query<LockedTask[]>(
        `SELECT t.id, t.status, t.assignee_email, t.customer_id, a.external_id AS account_external_id
           FROM tasks t LEFT JOIN accounts a ON a.id = t.account_id
          WHERE t.id = $1 FOR UPDATE OF t`,
        [id],
      );
      if (!task || (principal.role === 'sales' && task.status === 'held_out')) {
        throw notFound(`task ${id}`);
      }
      assertMayActOn(principal, task.assignee_email);
      if (task.status === 'completed') throw conflict(`Task ${id} was completed already.`);
      if (task.status === 'held_out') {
        throw conflict(
          `Task ${id} is held out: it measures the rule against doing nothing and cannot be completed.`,
        );
      }
      const now = this.clock.now();
      const notes = input.notes ?? null;
      const valueDelivered = input.valueDelivered ?? null;
      await em.query(
        `UPDATE tasks SET status = 'completed', outcome = $2, notes = $3, value_delivered = $4,
                completed_at = $5, completed_by = $6, updated_at = now()
          WHERE id = $1`,
        [id, input.outcome, notes, valueDelivered, now, principal.ownerEmail ?? principal.name],
      );
      // A task whose stakeholder is gone has nobody for rules to act on: no event.
      if (task.customer_id === null) return null;
      const event: EngineEvent = {
        id: taskCompletedEventId(id),
        type: TASK_COMPLETED,
        customerId: task.customer_id,
        occurredAt: now,
        properties: {
          taskId: id,
          outcome: input.outcome,
          notes,
          valueDelivered,
          accountId: task.account_external_id,
        },
      };
      await this.engineEvents.insert(em, [event]);
      return event.id;
    });
    if (eventId) await this.engineEvents.enqueue([eventId]);
    return this.queries.get(id, principal);
  }
}
