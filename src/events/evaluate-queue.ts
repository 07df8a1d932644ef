import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueProducer } from '../common/queue/queue-producer';
import { evaluateJobId, QUEUES } from '../common/queue/queues';

/**
 * The one adapter between committed events and the `evaluate` queue. Adds jobs (job id =
 * `event.<event id>`), then flags the rows as enqueued. If Redis is unreachable it gives up
 * quickly and leaves the rows unflagged: the relay adds them later.
 */
@Injectable()
export class EvaluateQueue {
  private readonly logger = new Logger('EvaluateQueue');

  constructor(
    private readonly db: DataSource,
    private readonly producer: QueueProducer,
  ) {}

  /**
   * Returns whether the jobs reached Redis. Never throws for Redis trouble: the rows are
   * safe in Postgres and the relay will try again.
   */
  /**
   * `flagged`: the rows were written as enqueued already (ingestion does that to save a
   * round trip), so there is nothing to flag after the add.
   */
  async enqueue(eventIds: string[], { force = false, flagged = false } = {}): Promise<boolean> {
    if (eventIds.length === 0) return true;
    try {
      await this.producer.addBulk(
        QUEUES.evaluate.name,
        eventIds.map((eventId) => ({
          name: QUEUES.evaluate.jobName,
          data: { eventId },
          opts: { ...QUEUES.evaluate.defaults, jobId: evaluateJobId(eventId) },
        })),
      );
    } catch (error) {
      this.logger.warn(
        `could not queue ${eventIds.length} event(s), the relay will: ${(error as Error).message}`,
      );
      return false;
    }
    if (flagged) return true;
    // `force` (a re-queue of a lost job) restarts the clock the relay's staleness check reads.
    await this.db.query(
      `UPDATE events SET enqueued_at = now() WHERE id = ANY($1)${force ? '' : ' AND enqueued_at IS NULL'}`,
      [eventIds],
    );
    return true;
  }

  /** Whether Redis still holds a job for this event (in any state). */
  async hasJob(eventId: string): Promise<boolean> {
    const state = await this.producer
      .queue(QUEUES.evaluate.name)
      .getJobState(evaluateJobId(eventId));
    return state !== 'unknown';
  }
}
