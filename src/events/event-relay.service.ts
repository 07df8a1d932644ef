import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PeriodicTask } from '../common/periodic-task';
import { EvaluateQueue } from './evaluate-queue';

/** An arbitrary constant: the Postgres advisory lock that makes one relay run at a time. */
const RELAY_LOCK = 727_001;
const PAGE = 1000;

/**
 * The outbox relay: Postgres is the truth, Redis holds work. Every few seconds it
 *  1. queues accepted events whose job never reached Redis (Redis was down, the add failed,
 *     the API process died between commit and add), and
 *  2. re-queues events that were queued long ago, never evaluated, and whose job Redis no
 *     longer has (Redis restarted without persistence, or was flushed).
 * Job ids are deterministic, so a re-add of a job Redis still holds is a no-op.
 */
@Injectable()
export class EventRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventRelay');
  private readonly task: PeriodicTask;

  constructor(
    private readonly db: DataSource,
    private readonly evaluateQueue: EvaluateQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask('EventRelay', RELAY_LOCK, db, () => this.relay());
  }

  onApplicationBootstrap() {
    this.task.start(this.config.eventRelay.intervalMs);
  }

  onApplicationShutdown() {
    return this.task.stop();
  }

  /** One pass (false when another process's relay holds the lock). */
  runOnce() {
    return this.task.runOnce();
  }

  private async relay() {
    await this.queueUnqueued();
    await this.requeueLost();
  }

  private async queueUnqueued() {
    for (;;) {
      const rows = await this.db.query<{ id: string }[]>(
        `SELECT id FROM events WHERE enqueued_at IS NULL
            AND received_at < now() - make_interval(secs => $1::double precision / 1000)
          ORDER BY received_at LIMIT ${PAGE}`,
        [this.config.eventRelay.graceMs],
      );
      if (rows.length === 0) return;
      if (!(await this.evaluateQueue.enqueue(rows.map((r) => r.id)))) return;
      this.logger.log(`queued ${rows.length} event(s) that had not reached Redis`);
      if (rows.length < PAGE) return;
    }
  }

  private async requeueLost() {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id FROM events WHERE evaluated_at IS NULL AND enqueued_at IS NOT NULL
          AND enqueued_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY enqueued_at LIMIT ${PAGE}`,
      [this.config.eventRelay.staleMs],
    );
    const lost: string[] = [];
    for (const { id } of rows) {
      if (!(await this.evaluateQueue.hasJob(id))) lost.push(id);
    }
    if (lost.length === 0) return;
    if (await this.evaluateQueue.enqueue(lost, { force: true })) {
      this.logger.warn(`re-queued ${lost.length} event(s) whose job Redis had lost`);
    }
  }
}
