import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/**
 * Why event-triggered entries were not made, per rule and reason. Counted in memory and
 * added to `rule_skips` every RULE_SKIP_FLUSH_MS: one counter row updated per event would
 * make every evaluate worker wait for the others. A crash loses at most one interval of
 * counts — they are statistics, not state.
 */
@Injectable()
export class SkipCounter implements OnApplicationShutdown {
  private readonly logger = new Logger(SkipCounter.name);
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  add(ruleId: string, reason: string, n = 1) {
    const key = `${ruleId} ${reason}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + n);
    this.timer ??= setTimeout(() => void this.flush(), this.config.ruleSkipFlushMs);
  }

  async flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const keys = [...batch.keys()];
    try {
      await this.db.query(
        `INSERT INTO rule_skips (rule_id, reason, count)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[])
         ON CONFLICT (rule_id, reason) DO UPDATE SET count = rule_skips.count + EXCLUDED.count`,
        [keys.map((k) => k.split(' ')[0]), keys.map((k) => k.split(' ')[1]), [...batch.values()]],
      );
    } catch (error) {
      this.logger.warn(`could not store rule skip counts: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown() {
    return this.flush();
  }
}
