import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { QUEUES } from '../../common/queue/queues';
import { TemplateNotFoundError } from '../templates/template-renderer';
import { TransportError } from '../transport/mail-transport';
import { DeliverJobData } from './deliver-queue';
import { DeliveryMetrics } from './delivery-metrics';
import { DeliveryService, SentButNotRecordedError } from './delivery.service';

/** How long a provider's "slow down" reply pauses the whole queue. */
export const RATE_LIMIT_PAUSE_MS = 15_000;
const UNLIMITED_PER_SECOND = 1_000_000;

/**
 * The BullMQ edge of delivery: turns the use case's answers into job moves. A deferral moves
 * the same job (same id) to the delayed set; a temporary failure throws so BullMQ retries
 * with exponential backoff and jitter; a rate-limit reply pauses the queue without using up
 * an attempt.
 */
@Processor(QUEUES.deliver.name, { autorun: false, maxStalledCount: 5 })
export class DeliverProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('DeliverProcessor');

  constructor(
    private readonly delivery: DeliveryService,
    private readonly metrics: DeliveryMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap() {
    const worker = this.worker;
    worker.concurrency = this.config.delivery.concurrency;
    // BullMQ's limiter is global to the queue: the rate holds across every worker process.
    // It is always set, even when no rate is configured, because only a worker with a
    // limiter honours the pause that a provider's "slow down" reply puts on the queue.
    worker.opts.limiter = {
      max:
        this.config.mail.sendRatePerSecond > 0
          ? this.config.mail.sendRatePerSecond
          : UNLIMITED_PER_SECOND,
      duration: 1000,
    };
    worker
      .run()
      .catch((error: Error) => this.logger.error(`deliver worker stopped: ${error.message}`));
  }

  async process(job: Job<DeliverJobData>, token?: string): Promise<string> {
    if (job.name !== QUEUES.deliver.jobName) throw new Error(`no handler for job ${job.name}`);
    const claim = await this.delivery.claim(job.data.messageId);
    switch (claim.kind) {
      case 'gone':
        return 'nothing to do';
      case 'finished':
        return `${claim.status}: ${claim.reason}`;
      case 'later':
        await job.moveToDelayed(claim.until.getTime(), token);
        throw new DelayedError();
      case 'send':
        break;
    }
    try {
      await this.delivery.send(claim);
      return 'sent';
    } catch (error) {
      if (error instanceof SentButNotRecordedError) {
        // Out already: no retry from here (see DeliveryService.recordSend).
        this.logger.error(error.message);
        return error.message;
      }
      // A template that does not exist will not appear by retrying: fail now.
      const failure =
        error instanceof TransportError
          ? error
          : new TransportError(
              (error as Error).message,
              error instanceof TemplateNotFoundError ? 'permanent' : 'temporary',
            );
      return this.onFailure(job, claim.message, claim.address, failure);
    }
  }

  private async onFailure(
    job: Job<DeliverJobData>,
    message: { id: string; module: string },
    address: string,
    failure: TransportError,
  ): Promise<string> {
    if (failure.kind === 'permanent') {
      await this.delivery.fail(message, address, failure, 'rejected');
      return `failed: ${failure.message}`;
    }
    if (failure.kind === 'rate_limited') {
      await this.delivery.releaseForRetry(message.id, failure);
      this.metrics.retries.inc({ kind: 'rate_limited' });
      await this.worker.rateLimit(RATE_LIMIT_PAUSE_MS);
      throw Worker.RateLimitError();
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastAttempt) {
      await this.delivery.fail(message, address, failure, 'temporary_failures_exhausted');
      return `failed after ${job.attemptsMade + 1} attempts: ${failure.message}`;
    }
    await this.delivery.releaseForRetry(message.id, failure);
    this.metrics.retries.inc({ kind: 'temporary' });
    throw failure;
  }
}
