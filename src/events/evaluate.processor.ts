import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { QUEUES } from '../common/queue/queues';
import { EvaluationResult, EventEvaluator } from '../rules/engine/event-evaluator';

export interface EvaluateJobData {
  eventId: string;
}

/**
 * Consumes the `evaluate` queue: each event goes through the rule engine. The engine also
 * records that it saw the event (`evaluated_at` once, `evaluation_count` every time), so a
 * test or an operator can prove each event was handled exactly once.
 */
@Processor(QUEUES.evaluate.name)
export class EvaluateProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('EvaluateProcessor');
  constructor(
    private readonly evaluator: EventEvaluator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap() {
    this.worker.concurrency = this.config.evaluateConcurrency;
  }

  /** A failed attempt is retried with backoff; say why, or nobody will know. */
  @OnWorkerEvent('failed')
  onFailed(job: Job<EvaluateJobData> | undefined, error: Error) {
    this.logger.error(
      `evaluating event ${job?.data.eventId ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`,
    );
  }

  async process(job: Job<EvaluateJobData>): Promise<EvaluationResult> {
    if (job.name !== QUEUES.evaluate.jobName) throw new Error(`no handler for job ${job.name}`);
    return this.evaluator.evaluate(job.data.eventId);
  }
}
