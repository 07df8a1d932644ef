import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Duration } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { PeriodicTask } from '../../common/periodic-task';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { MessageRequest, ScheduledMessage } from '../../messaging/messages/message-request';
import { MessagesService } from '../../messaging/messages/messages.service';
import { requireDuration } from '../../rules/eligibility/durations';
import { overdueActions, OverdueCandidate } from './overdue-tasks';
import { digestsByAssignee, escalationDigest } from './task-digests';
import { DIGEST_COLUMNS, DIGEST_JOINS, digestTask, DigestRow, NOTIFY_SQL } from './task-rows';
import type { TaskStatus } from './task.entity';

/** Advisory lock: one worker at a time looks for overdue tasks. */
const OVERDUE_LOCK = 727_311;
const PAGE = 1000;
/** A missing SALES_MANAGER_EMAIL is said at most this often, not every pass. */
const WARN_EVERY_MS = 3600_000;

interface CandidateRow extends DigestRow {
  status: TaskStatus;
  notified_at: Date | null;
  reminded_at: Date | null;
  escalated_at: Date | null;
  notify: boolean;
}

type Candidate = OverdueCandidate & { row: CandidateRow };

/**
 * Overdue tasks, periodically in the worker: the owner gets one reminder listing their
 * overdue tasks; a task still open TASK_ESCALATION_GRACE after its due time escalates once to
 * SALES_MANAGER_EMAIL, in one email listing each with its owner. Which task gets what is
 * decided by `overdueActions`; this class reads, writes and schedules.
 */
@Injectable()
export class OverdueTaskWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OverdueTasks');
  private readonly task: PeriodicTask;
  private readonly grace: Duration;
  private warnedAt = -Infinity;

  constructor(
    private readonly db: DataSource,
    private readonly messages: MessagesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.grace = requireDuration(config.tasks.escalationGrace, 'TASK_ESCALATION_GRACE');
    this.task = new PeriodicTask('OverdueTasks', OVERDUE_LOCK, db, () => this.pass());
  }

  onApplicationBootstrap() {
    this.task.start(this.config.tasks.overdueIntervalMs);
  }

  onApplicationShutdown() {
    return this.task.stop();
  }

  /** One pass now (tests; a worker does it every TASK_OVERDUE_INTERVAL_MS). */
  runOnce() {
    return this.task.runOnce();
  }

  private async pass() {
    const manager = this.config.mail.salesManagerEmail;
    if (!manager) await this.warnIfEscalationsWait();
    for (;;) {
      const { scheduled, selected, acted } = await this.db.transaction((em) => this.page(em));
      await this.messages.enqueue(scheduled);
      // A page that changed nothing would be read again the same way: stop.
      if (selected < PAGE || acted === 0) return;
    }
  }

  private async page(
    em: EntityManager,
  ): Promise<{ scheduled: ScheduledMessage[]; selected: number; acted: number }> {
    const now = this.clock.now();
    const manager = this.config.mail.salesManagerEmail ?? null;
    const rows = await em.query<CandidateRow[]>(
      // The SQL narrows to the tasks that call for something (the grace counted in UTC, as
      // overdueActions does), so tasks waiting on nothing never crowd a page.
      `SELECT ${DIGEST_COLUMNS}, t.status, t.notified_at, t.reminded_at, t.escalated_at,
              ${NOTIFY_SQL} AS notify
         FROM tasks t
         LEFT JOIN rules r ON r.id = t.rule_id
         ${DIGEST_JOINS}
        WHERE t.status = 'open' AND t.due_at < $1
          AND ((t.reminded_at IS NULL AND t.notified_at IS NOT NULL AND ${NOTIFY_SQL})
            OR (t.escalated_at IS NULL AND $2::text IS NOT NULL
                AND ((t.due_at AT TIME ZONE 'UTC') + $3::interval) AT TIME ZONE 'UTC' < $1))
        ORDER BY t.due_at, t.id
        LIMIT ${PAGE}
        FOR UPDATE OF t SKIP LOCKED`,
      [now, manager, this.config.tasks.escalationGrace],
    );
    const candidates: Candidate[] = rows.map((row) => ({
      status: row.status,
      dueAt: row.due_at,
      notifiedAt: row.notified_at,
      remindedAt: row.reminded_at,
      escalatedAt: row.escalated_at,
      notify: row.notify,
      row,
    }));
    const { remind, escalate: due } = overdueActions(candidates, now, this.grace);
    const escalate = manager ? due : [];

    const requests: MessageRequest[] = digestsByAssignee(
      'task-reminder',
      remind.map((c) => digestTask(c.row)),
      this.config.publicBaseUrl,
      now,
    );
    const escalation = manager
      ? escalationDigest(
          escalate.map((c) => digestTask(c.row)),
          manager,
          this.config.publicBaseUrl,
          now,
        )
      : null;
    if (escalation) requests.push(escalation);
    const scheduled = await this.messages.insert(em, requests);
    await this.mark(em, 'reminded_at', remind, now);
    await this.mark(em, 'escalated_at', escalate, now);
    return { scheduled, selected: rows.length, acted: remind.length + escalate.length };
  }

  private async mark(
    em: EntityManager,
    column: 'reminded_at' | 'escalated_at',
    tasks: Candidate[],
    now: Date,
  ) {
    if (tasks.length === 0) return;
    await em.query(
      `UPDATE tasks SET ${column} = $2, updated_at = now() WHERE id = ANY($1::uuid[])`,
      [tasks.map((t) => t.row.id), now],
    );
  }

  /** Without SALES_MANAGER_EMAIL nothing escalates: say so when it matters, now and then. */
  private async warnIfEscalationsWait() {
    const now = this.clock.now();
    if (now.getTime() - this.warnedAt < WARN_EVERY_MS) return;
    const [{ n }] = await this.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM tasks t
        WHERE t.status = 'open' AND t.escalated_at IS NULL
          AND ((t.due_at AT TIME ZONE 'UTC') + $2::interval) AT TIME ZONE 'UTC' < $1`,
      [now, this.config.tasks.escalationGrace],
    );
    if (n === 0) return;
    this.warnedAt = now.getTime();
    this.logger.warn(
      `${n} overdue task(s) past TASK_ESCALATION_GRACE are not escalated: SALES_MANAGER_EMAIL is not set`,
    );
  }
}
