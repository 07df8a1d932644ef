import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { QUEUES } from '../../common/queue/queues';
import type { RuleStatus } from '../rule.entity';
import type { RuleDefinition } from '../rule.schema';
import { RuleRuns } from '../runs/rule-runs.service';
import { RuleSchedules, RuleTickJobData } from './rule-schedules.service';
import { schedulerSpec } from './scheduler-spec';

/**
 * A schedule rule's tick: records the run for this tick and queues it — nothing more, so a
 * tick is never stuck behind a long run (BullMQ only plans a scheduler's next tick when a
 * worker takes the current one). The tick's time, not the moment a worker got to it, names
 * the run: a tick retried or seen by two workers makes one run.
 */
@Processor(QUEUES.ruleTicks.name)
export class RuleTickProcessor extends WorkerHost {
  private readonly logger = new Logger(RuleTickProcessor.name);

  constructor(
    private readonly db: DataSource,
    private readonly runs: RuleRuns,
    private readonly schedules: RuleSchedules,
  ) {
    super();
  }

  async process(job: Job<RuleTickJobData>): Promise<string> {
    if (job.name !== QUEUES.ruleTicks.jobName) throw new Error(`no handler for job ${job.name}`);
    const { ruleId } = job.data;
    const [rule] = await this.db.query<{ status: RuleStatus; definition: RuleDefinition }[]>(
      'SELECT status, definition FROM rules WHERE id = $1',
      [ruleId],
    );
    if (!rule || !schedulerSpec(rule)) {
      // The rule changed while Redis kept its scheduler (a hook that failed): stop the ticks.
      await this.schedules.remove(ruleId);
      return 'the rule is not an active schedule rule any more: scheduler removed';
    }
    const tick = tickTime(job);
    const { runId, created } = await this.runs.start(ruleId, {
      trigger: 'schedule',
      occurrence: tick.toISOString(),
      triggeredAt: tick,
    });
    if (!created)
      this.logger.log(`tick ${tick.toISOString()} of rule ${ruleId} had its run already`);
    return `run ${runId}${created ? '' : ' (already started)'}`;
  }
}

/**
 * The instant the tick was planned for. BullMQ names a scheduler's job
 * `repeat:<scheduler>:<millis>` and keeps the millis in `opts.prevMillis`; a job without
 * them (not from a scheduler) stands for the moment it was added.
 */
export function tickTime(job: Pick<Job, 'opts' | 'timestamp'>): Date {
  const millis = job.opts.prevMillis;
  return new Date(typeof millis === 'number' && millis > 0 ? millis : job.timestamp);
}
