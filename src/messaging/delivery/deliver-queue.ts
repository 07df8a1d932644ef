import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { QueueProducer } from '../../common/queue/queue-producer';
import { QUEUES } from '../../common/queue/queues';
import { splitByHorizon } from './deliver-horizon';

export interface DeliverJobData {
  messageId: string;
}

/**
 * Adds `deliver` jobs: job id = message id, delayed until the send time. `enqueue` never
 * throws for Redis trouble: the message rows are committed, and the reconciler adds jobs for
 * due messages that have none.
 */
@Injectable()
export class DeliverQueue {
  private readonly logger = new Logger('DeliverQueue');

  /** What every deliver job shares, made once (BullMQ reads these without changing them). */
  private readonly shared: Pick<JobsOptions, 'attempts' | 'backoff'>;

  constructor(
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.shared = {
      attempts: config.delivery.maxAttempts,
      backoff: { type: 'exponential', delay: config.delivery.backoffMs, jitter: 0.5 },
    };
  }

  /** Written out field by field: a spread of the defaults per job was a twentieth of a bulk add. */
  jobOptions(messageId: string, sendAt: Date, now = Date.now()): JobsOptions {
    const { removeOnComplete, removeOnFail } = QUEUES.deliver.defaults;
    return {
      removeOnComplete,
      removeOnFail,
      jobId: messageId,
      delay: Math.max(0, sendAt.getTime() - now),
      attempts: this.shared.attempts,
      backoff: this.shared.backoff,
    };
  }

  /**
   * Adds the jobs of messages due within DELIVER_JOB_HORIZON_MS; the others keep only their
   * row until the DeliverPromoter adds their job. Call it after the rows have committed.
   */
  async enqueue(messages: { id: string; sendAt: Date }[]): Promise<boolean> {
    const now = Date.now();
    const { queueNow } = splitByHorizon(messages, now, this.config.delivery.jobHorizonMs);
    if (queueNow.length === 0) return true;
    try {
      await this.addJobs(queueNow, now);
      return true;
    } catch (error) {
      this.logger.warn(
        `could not queue ${queueNow.length} message(s), the reconciler will: ${(error as Error).message}`,
      );
      return false;
    }
  }

  /** Adds a job for each message whatever its send time; throws when Redis does not take them. */
  async addJobs(messages: { id: string; sendAt: Date }[], now = Date.now()): Promise<void> {
    for (let i = 0; i < messages.length; i += 1000) {
      await this.producer.addBulk(
        QUEUES.deliver.name,
        messages.slice(i, i + 1000).map((m) => ({
          name: QUEUES.deliver.jobName,
          data: { messageId: m.id } satisfies DeliverJobData,
          opts: this.jobOptions(m.id, m.sendAt, now),
        })),
      );
    }
  }

  /**
   * Makes waiting jobs due now (a resolved case releases held messages): a delayed job is
   * promoted, a missing one added; a job already waiting or running is left alone.
   */
  async releaseNow(messageIds: string[]) {
    const queue = this.producer.queue(QUEUES.deliver.name);
    const missing: { id: string; sendAt: Date }[] = [];
    for (const id of messageIds) {
      const job = await queue.getJob(id);
      if (!job) missing.push({ id, sendAt: new Date() });
      else if (await job.isDelayed()) await job.promote();
    }
    await this.enqueue(missing);
  }

  /** The state of a message's job in Redis (`unknown` when Redis has none). */
  jobState(messageId: string) {
    return this.producer.queue(QUEUES.deliver.name).getJobState(messageId);
  }

  /** Drops a finished job so the same id can be added again. */
  async removeJob(messageId: string) {
    await this.producer.queue(QUEUES.deliver.name).remove(messageId);
  }
}
