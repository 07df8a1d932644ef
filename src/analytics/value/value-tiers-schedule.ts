import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '../../common/periodic-task';
import { QueueProducer, withTimeout } from '../../common/queue/queue-producer';
import { QUEUES, VALUE_TIERS_SCHEDULER_ID } from '../../common/queue/queues';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { RecomputeTrigger } from './recompute-everyone';

export interface RecomputeJobData {
  trigger: RecomputeTrigger;
}

const SCHEDULE_LOCK = 727_503;
/** How often a worker puts the nightly scheduler back (Redis flushed, VALUE_TIERS_CRON changed). */
const RESYNC_MS = 15 * 60_000;

/** Queues recomputes for everyone: the nightly one (a BullMQ job scheduler) and on request. */
@Injectable()
export class ValueTiersQueue {
  constructor(
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A recompute now. Each request is its own job: a request made after new data must run. */
  async requestNow(): Promise<string> {
    const jobId = `value-tiers.manual.${randomUUID()}`;
    await this.producer.addBulk(QUEUES.analytics.name, [
      {
        name: QUEUES.analytics.jobName,
        data: { trigger: 'manual' } satisfies RecomputeJobData,
        opts: { ...QUEUES.analytics.defaults, jobId },
      },
    ]);
    return jobId;
  }

  /** The nightly scheduler as configured (upsert: the same call changes the cron). */
  async syncNightly() {
    await withTimeout(
      this.producer.queue(QUEUES.analytics.name).upsertJobScheduler(
        VALUE_TIERS_SCHEDULER_ID,
        { pattern: this.config.value.cron, tz: this.config.value.timezone },
        {
          name: QUEUES.analytics.jobName,
          data: { trigger: 'nightly' } satisfies RecomputeJobData,
          opts: QUEUES.analytics.defaults,
        },
      ),
      this.config.queueAddTimeoutMs,
    );
  }
}

/**
 * Worker role: keeps the nightly scheduler in Redis (at boot and every quarter of an hour,
 * so a flushed Redis gets it back), and on a database that was never computed for everyone
 * queues a first recompute at boot rather than leaving every tier empty until the night.
 */
@Injectable()
export class ValueTiersSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ValueTiersSchedule.name);
  private readonly task: PeriodicTask;
  private booted = false;

  constructor(
    private readonly db: DataSource,
    private readonly queue: ValueTiersQueue,
  ) {
    this.task = new PeriodicTask('ValueTiersSchedule', SCHEDULE_LOCK, db, () => this.sync());
  }

  onApplicationBootstrap() {
    this.task.runOnce().catch((error: Error) => this.logger.warn(`boot pass: ${error.message}`));
    this.task.start(RESYNC_MS);
  }

  onApplicationShutdown() {
    return this.task.stop();
  }

  private async sync() {
    await this.queue.syncNightly();
    if (this.booted) return;
    this.booted = true;
    const [any] = await this.db.query<unknown[]>(
      'SELECT 1 FROM value_thresholds WHERE finished_at IS NOT NULL LIMIT 1',
    );
    if (any) return;
    const [customer] = await this.db.query<unknown[]>('SELECT 1 FROM customers LIMIT 1');
    if (customer) await this.queue.requestNow();
  }
}
