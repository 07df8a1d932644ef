import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { ScheduledMessage } from '../../messaging/messages/message-request';
import { MessagesService } from '../../messaging/messages/messages.service';
import { digestsByAssignee } from './task-digests';
import { DIGEST_COLUMNS, DIGEST_JOINS, digestTask, DigestRow, NOTIFY_SQL } from './task-rows';

/** Tasks one transaction notifies; more wait for the next page (another digest). */
const PAGE = 1000;

/**
 * Tasks of one event batch are created by several `evaluate` jobs within moments of each
 * other: a rep's event tasks are digested once none newer than this was made for them, so a
 * burst shares one digest. (Waiting this long after each task split a burst whenever a pass
 * fell between two of its tasks.)
 */
export const NOTICE_DEBOUNCE_MS = 1000;
/** A rep whose event tasks never pause this long still hears of the older ones. */
export const NOTICE_MAX_WAIT_MS = 60_000;

/**
 * Tells each sales rep about their new tasks: ONE email per rep listing all of them
 * (`sales-touchpoints.task-notice`), never one per task. Called when a rule run finishes
 * (that run's tasks, at once) and periodically by the worker for tasks made by events.
 */
@Injectable()
export class TaskNotifier {
  constructor(
    private readonly db: DataSource,
    private readonly messages: MessagesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Schedules a digest per assignee for open tasks nobody was told of yet; returns how many
   * digests. With `runId`, only that run's tasks (the run has finished, so all are there);
   * without, the tasks of each assignee who got no new event task within the debounce (or
   * that waited NOTICE_MAX_WAIT_MS), except those of a run still in progress (its tasks go
   * out together when it finishes).
   */
  async notifyPending(filter: { runId?: string } = {}): Promise<number> {
    let digests = 0;
    for (;;) {
      const { scheduled, tasks } = await this.db.transaction(async (em) => {
        const now = this.clock.now();
        const params: unknown[] = [];
        let which: string;
        if (filter.runId !== undefined) {
          params.push(filter.runId);
          which = 't.run_id = $1';
        } else {
          params.push(
            new Date(now.getTime() - NOTICE_DEBOUNCE_MS),
            new Date(now.getTime() - NOTICE_MAX_WAIT_MS),
          );
          which = `t.created_at < $1
               AND (t.created_at < $2 OR NOT EXISTS (
                     SELECT 1 FROM tasks n
                      WHERE n.assignee_email = t.assignee_email AND n.status = 'open'
                        AND n.notified_at IS NULL AND n.run_id IS NULL AND n.created_at >= $1))
               AND NOT EXISTS (
                     SELECT 1 FROM rule_runs rr WHERE rr.id = t.run_id AND rr.status = 'running')`;
        }
        // SKIP LOCKED: a run finishing while the periodic pass runs never digests a task twice.
        const rows = await em.query<DigestRow[]>(
          `SELECT ${DIGEST_COLUMNS}
             FROM tasks t
             LEFT JOIN rules r ON r.id = t.rule_id
             ${DIGEST_JOINS}
            WHERE t.status = 'open' AND t.notified_at IS NULL AND ${NOTIFY_SQL} AND ${which}
            ORDER BY t.assignee_email, t.created_at, t.id
            LIMIT ${PAGE}
            FOR UPDATE OF t SKIP LOCKED`,
          params,
        );
        if (rows.length === 0) return { scheduled: [] as ScheduledMessage[], tasks: 0 };
        const requests = digestsByAssignee(
          'task-notice',
          rows.map(digestTask),
          this.config.publicBaseUrl,
          now,
        );
        const inserted = await this.messages.insert(em, requests);
        await em.query(
          'UPDATE tasks SET notified_at = $2, updated_at = now() WHERE id = ANY($1::uuid[])',
          [rows.map((r) => r.id), now],
        );
        return { scheduled: inserted, tasks: rows.length };
      });
      await this.messages.enqueue(scheduled);
      digests += scheduled.length;
      if (tasks < PAGE) return digests;
    }
  }
}
