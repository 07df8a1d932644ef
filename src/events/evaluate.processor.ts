import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { QUEUES } from '../common/queue/queues';

export interface EvaluateJobData {
  eventId: string;
}

/**
 * Consumes the `evaluate` queue. Until the rule engine lands it records that it saw the
 * event: `evaluated_at` once, and `evaluation_count` every time, so a test (or an operator)
 * can prove each event was handled exactly once.
 */
@Processor(QUEUES.evaluate.name)
export class EvaluateProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap() {
    this.worker.concurrency = this.config.evaluateConcurrency;
  }

  async process(job: Job<EvaluateJobData>): Promise<{ seen: boolean }> {
    if (job.name !== QUEUES.evaluate.jobName) throw new Error(`no handler for job ${job.name}`);
    const rows: unknown[] = await this.db.query(
      // A top-level UPDATE … RETURNING comes back from TypeORM as [rows, count]; a CTE gives rows.
      `WITH seen AS (
         UPDATE events SET evaluated_at = COALESCE(evaluated_at, now()), evaluation_count = evaluation_count + 1
          WHERE id = $1 RETURNING id)
       SELECT id FROM seen`,
      [job.data.eventId],
    );
    return { seen: rows.length > 0 };
  }
}
