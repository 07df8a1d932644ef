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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly evaluateQueue: EvaluateQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => {
      if (!this.running) {
        this.running = this.runOnce()
          .then(() => undefined)
          .catch((error: Error) => this.logger.warn(`relay pass failed: ${error.message}`))
          .finally(() => (this.running = undefined));
      }
    }, this.config.eventRelay.intervalMs);
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many events it queued. */
  async runOnce(): Promise<number> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        RELAY_LOCK,
      ])) as { locked: boolean }[];
      if (!locked) return 0;
      try {
        return (
          (await this.queueUnqueued((sql, params) => runner.query(sql, params))) +
          (await this.requeueLost())
        );
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async queueUnqueued(query: (sql: string, params: unknown[]) => Promise<unknown>) {
    let total = 0;
    for (;;) {
      const rows = (await query(
        `SELECT id FROM events WHERE enqueued_at IS NULL
            AND received_at < now() - make_interval(secs => $1::double precision / 1000)
          ORDER BY received_at LIMIT ${PAGE}`,
        [this.config.eventRelay.graceMs],
      )) as { id: string }[];
      if (rows.length === 0) return total;
      if (!(await this.evaluateQueue.enqueue(rows.map((r) => r.id)))) return total;
      total += rows.length;
      this.logger.log(`queued ${rows.length} event(s) that had not reached Redis`);
      if (rows.length < PAGE) return total;
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
    if (lost.length === 0) return 0;
    if (!(await this.evaluateQueue.enqueue(lost, { force: true }))) return 0;
    this.logger.warn(`re-queued ${lost.length} event(s) whose job Redis had lost`);
    return lost.length;
  }
}
