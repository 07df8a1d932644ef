import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { QUEUES } from '../../common/queue/queues';
import { CustomerValueService } from './customer-value.service';
import type { RecomputeJobData } from './value-tiers-schedule';

/** Worker role: runs a recompute for everyone, one at a time per worker process. */
@Processor(QUEUES.analytics.name, { concurrency: 1 })
export class ValueTiersProcessor extends WorkerHost {
  private readonly logger = new Logger(ValueTiersProcessor.name);

  constructor(private readonly value: CustomerValueService) {
    super();
  }

  async process(job: Job<RecomputeJobData>): Promise<string> {
    if (job.name !== QUEUES.analytics.jobName) throw new Error(`no handler for job ${job.name}`);
    const trigger = job.data.trigger === 'nightly' ? 'nightly' : 'manual';
    const outcome = await this.value.recomputeEveryone(trigger, (line) => this.logger.log(line));
    if (outcome.status === 'skipped') {
      this.logger.log(`value tiers (${trigger}): skipped, ${outcome.reason}`);
      return `skipped: ${outcome.reason}`;
    }
    const { updated, cohort, durationMs, phases } = outcome;
    this.logger.log(
      `value tiers (${trigger}): ${updated} customers written, cohort ${cohort}, in ${durationMs} ms ` +
        `(figures ${phases.statsMs} ms, boundaries ${phases.thresholdsMs} ms, writes ${phases.writeMs} ms, ` +
        `vacuum ${phases.vacuumMs} ms)`,
    );
    return `${updated} customers in ${durationMs} ms`;
  }
}
