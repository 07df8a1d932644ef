import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { evaluateJobId, QUEUES } from '../common/queue/queues';
import { redisOptions } from '../common/redis/redis-options';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The one adapter between committed events and the `evaluate` queue. Adds jobs (job id =
 * `event.<event id>`), then flags the rows as enqueued. If Redis is unreachable it gives up
 * quickly and leaves the rows unflagged: the relay adds them later.
 *
 * It owns its producer connection, configured to fail fast (no offline queue), unlike the
 * workers' connection, which must wait for Redis forever.
 */
@Injectable()
export class EvaluateQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('EvaluateQueue');
  readonly queue: Queue;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.queue = new Queue(QUEUES.evaluate.name, {
      connection: redisOptions(config.redisUrl, 'producer'),
      prefix: config.queuePrefix,
    });
    // Without a listener an unreachable Redis would crash the process with an unhandled error.
    this.queue.on('error', (error) => this.logger.debug(`redis: ${error.message}`));
  }

  async onApplicationShutdown() {
    await this.queue.close();
  }

  /** Answers PONG when Redis is reachable; for the health check. */
  async ping(): Promise<string> {
    const client = await this.queue.getBackend().client;
    return String(await client.runCommand('ping', []));
  }

  /**
   * Returns whether the jobs reached Redis. Never throws for Redis trouble: the rows are
   * safe in Postgres and the relay will try again.
   */
  async enqueue(eventIds: string[], { force = false } = {}): Promise<boolean> {
    if (eventIds.length === 0) return true;
    try {
      await withTimeout(
        this.queue.addBulk(
          eventIds.map((eventId) => ({
            name: QUEUES.evaluate.jobName,
            data: { eventId },
            opts: { ...QUEUES.evaluate.defaults, jobId: evaluateJobId(eventId) },
          })),
        ),
        this.config.queueAddTimeoutMs,
      );
    } catch (error) {
      this.logger.warn(
        `could not queue ${eventIds.length} event(s), the relay will: ${(error as Error).message}`,
      );
      return false;
    }
    // `force` (a re-queue of a lost job) restarts the clock the relay's staleness check reads.
    await this.db.query(
      `UPDATE events SET enqueued_at = now() WHERE id = ANY($1)${force ? '' : ' AND enqueued_at IS NULL'}`,
      [eventIds],
    );
    return true;
  }

  /** Whether Redis still holds a job for this event (in any state). */
  async hasJob(eventId: string): Promise<boolean> {
    const state = await this.queue.getJobState(evaluateJobId(eventId));
    return state !== 'unknown';
  }
}
