import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { QUEUES } from '../../common/queue/queues';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { ExecuteRunJobData } from './rule-runs.service';
import { RunExecutor } from './run-executor';

/**
 * The BullMQ edge of rule runs. A worker that dies mid-run leaves its job active without a
 * lock; BullMQ's stalled-job check hands it to another worker, which resumes from the run's
 * cursor (hence the generous `maxStalledCount`: a run over millions may see several crashes).
 * A worker asked to stop hands the run back between two pages instead of making the shutdown
 * wait for the whole audience.
 */
@Processor(QUEUES.ruleRuns.name, { maxStalledCount: 20 })
export class ExecuteRunProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly executor: RunExecutor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap() {
    this.worker.concurrency = this.config.ruleRuns.concurrency;
  }

  async process(job: Job<ExecuteRunJobData>, token?: string): Promise<string> {
    if (job.name !== QUEUES.ruleRuns.jobName) throw new Error(`no handler for job ${job.name}`);
    const { runId } = job.data;
    try {
      const outcome = await this.executor.execute(runId, () => this.worker.closing !== undefined);
      switch (outcome.kind) {
        case 'completed':
          return `completed: ${outcome.processed} customer(s)`;
        case 'cancelled':
          return `cancelled: ${outcome.reason}`;
        case 'gone':
          return 'no such run';
        case 'interrupted':
          // Due at once: another worker (or this one after a restart) continues from the cursor.
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
      }
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await this.executor.fail(runId, (error as Error).message);
      }
      throw error;
    }
  }
}
