import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '../../common/periodic-task';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { RuleSchedules } from '../schedules/rule-schedules.service';
import { RuleRuns } from './rule-runs.service';

const RUNS_LOCK = 727_401;

/**
 * Postgres is the truth, Redis holds work. At worker boot and then periodically, one worker
 * at a time: every active schedule rule gets its job scheduler back (Redis flushed or
 * restarted empty), and every running run its `execute-run` job (an add that failed, a
 * flushed Redis). Re-adding a job BullMQ still has is a no-op, so this is safe to repeat.
 */
@Injectable()
export class RunReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunReconciler.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly db: DataSource,
    private readonly runs: RuleRuns,
    private readonly schedules: RuleSchedules,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask('RunReconciler', RUNS_LOCK, db, () => this.reconcile());
  }

  onApplicationBootstrap() {
    // Not awaited: a worker boots even while Redis is away; the periodic pass repairs later.
    this.task.runOnce().catch((error: Error) => this.logger.warn(`boot pass: ${error.message}`));
    this.task.start(this.config.ruleRuns.reconcileIntervalMs);
  }

  onApplicationShutdown() {
    return this.task.stop();
  }

  runOnce() {
    return this.task.runOnce();
  }

  private async reconcile() {
    await this.schedules.syncAll();
    const running = await this.db.query<{ id: string }[]>(
      `SELECT id FROM rule_runs WHERE status = 'running' ORDER BY started_at LIMIT 1000`,
    );
    if (running.length > 0) await this.runs.enqueue(running.map((r) => r.id));
  }
}
