import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../../common/auth/principal';
import { keysetPage, ListFilter } from '../../common/pagination/keyset-page';
import { notFound } from '../../common/problem/problem';
import { assertMayActOn, assigneeScope } from './task-access';
import type { ListTasksQuery } from './task.schemas';
import { TASK_SELECT, TaskRow, taskView, TaskView } from './task.view';

/**
 * Reading tasks through the API. Held-out tasks exist to measure a rule against doing
 * nothing: a rep who saw one might act on it, so sales keys never see them.
 */
@Injectable()
export class TaskQueries {
  constructor(private readonly db: DataSource) {}

  /** Newest first, keyset-paginated like the messages list. */
  async list(
    query: ListTasksQuery,
    principal: Principal,
  ): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    const filter = new ListFilter();
    const assignee = assigneeScope(principal, query.assignee);
    if (assignee !== undefined) filter.add('t.assignee_email = ?', assignee);
    if (query.status) filter.add('t.status = ?', query.status);
    if (principal.role === 'sales') filter.raw(`t.status <> 'held_out'`);
    return keysetPage(
      this.db,
      filter,
      {
        select: TASK_SELECT,
        at: 't.created_at',
        id: 't.id',
        cursorOf: (row: TaskRow) => ({ at: row.cursor_at, id: row.id }),
        view: taskView,
      },
      query,
    );
  }

  async get(id: string, principal: Principal): Promise<TaskView> {
    const [row] = await this.db.query<TaskRow[]>(`${TASK_SELECT} WHERE t.id = $1`, [id]);
    if (!row || (principal.role === 'sales' && row.status === 'held_out')) {
      throw notFound(`task ${id}`);
    }
    assertMayActOn(principal, row.assignee_email);
    return taskView(row);
  }
}
