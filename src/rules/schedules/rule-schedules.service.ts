import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueProducer, withTimeout } from '../../common/queue/queue-producer';
import { QUEUES, ruleSchedulerId } from '../../common/queue/queues';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { RuleChangeHooks } from '../rule-change-hooks';
import type { RuleStatus } from '../rule.entity';
import type { RuleDefinition } from '../rule.schema';
import { schedulerSpec } from './scheduler-spec';

export interface RuleTickJobData {
  ruleId: string;
}

type SchedulableRule = { id: string; status: RuleStatus; definition: RuleDefinition };

const SCHEDULER_PREFIX = ruleSchedulerId('');

/**
 * Keeps one BullMQ job scheduler per active schedule rule (`rule.<id>`, the rule's cron and
 * zone). BullMQ adds one tick job per tick with a deterministic id, taken by one worker
 * however many run, and keeps the scheduler in Redis across restarts. Postgres stays the
 * truth: `syncAll` re-creates missing schedulers (Redis flushed) and removes stray ones.
 */
@Injectable()
export class RuleSchedules implements OnModuleInit {
  private readonly logger = new Logger(RuleSchedules.name);

  constructor(
    private readonly db: DataSource,
    private readonly producer: QueueProducer,
    private readonly hooks: RuleChangeHooks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    this.hooks.add((rule) => this.sync(rule));
  }

  /** After a rule was saved: its scheduler as the rule now says (created, changed or removed). */
  async sync(rule: SchedulableRule) {
    const spec = schedulerSpec(rule);
    if (!spec) {
      await this.remove(rule.id);
      return;
    }
    await withTimeout(
      this.queue().upsertJobScheduler(
        ruleSchedulerId(rule.id),
        { pattern: spec.pattern, tz: spec.tz },
        {
          name: QUEUES.ruleTicks.jobName,
          data: { ruleId: rule.id } satisfies RuleTickJobData,
          opts: QUEUES.ruleTicks.defaults,
        },
      ),
      this.config.queueAddTimeoutMs,
    );
  }

  async remove(ruleId: string) {
    await withTimeout(
      this.queue().removeJobScheduler(ruleSchedulerId(ruleId)),
      this.config.queueAddTimeoutMs,
    );
  }

  /**
   * Every active schedule rule gets its scheduler, and schedulers of rules that are no
   * longer active schedule rules go. At worker boot and periodically, so a Redis that lost
   * its data or a hook that failed while a rule was saved is repaired.
   */
  async syncAll(): Promise<{ upserted: number; removed: number }> {
    const rules = await this.db.query<SchedulableRule[]>(
      `SELECT id, status, definition FROM rules WHERE trigger_type = 'schedule' AND status = 'active'`,
    );
    for (const rule of rules) {
      try {
        await this.sync(rule);
      } catch (error) {
        this.logger.warn(
          `could not set the scheduler of rule ${rule.id}: ${(error as Error).message}`,
        );
      }
    }
    const wanted = new Set(rules.map((rule) => ruleSchedulerId(rule.id)));
    const existing = await this.queue().getJobSchedulers();
    let removed = 0;
    for (const scheduler of existing) {
      if (scheduler.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(scheduler.key)) {
        await this.queue().removeJobScheduler(scheduler.key);
        removed += 1;
      }
    }
    if (removed > 0) this.logger.warn(`removed ${removed} scheduler(s) of rules no longer active`);
    return { upserted: rules.length, removed };
  }

  private queue() {
    return this.producer.queue(QUEUES.ruleTicks.name);
  }
}
