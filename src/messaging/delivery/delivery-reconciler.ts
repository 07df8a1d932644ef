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
import { recordStatusChanges } from '../messages/message-history';
import { DeliverQueue } from './deliver-queue';
import { DeliveryMetrics } from './delivery-metrics';

const RECONCILE_LOCK = 727_002;
const PAGE = 1000;

/**
 * Postgres is the truth, Redis holds work. Periodically:
 *  1. releases messages stuck in `sending` past their lock (their worker died mid-send) back
 *     to `scheduled`, flagged as possible duplicates and counted in a metric — the SMTP server
 *     may have accepted the first attempt;
 *  2. re-adds jobs for scheduled messages that are overdue and whose job Redis does not have
 *     (flushed, restarted without persistence, an add that failed), or has only as finished.
 */
@Injectable()
export class DeliveryReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeliveryReconciler');
  private readonly task: PeriodicTask;

  constructor(
    private readonly db: DataSource,
    private readonly deliverQueue: DeliverQueue,
    private readonly metrics: DeliveryMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask('DeliveryReconciler', RECONCILE_LOCK, db, () => this.reconcile());
  }

  onApplicationBootstrap() {
    this.task.start(this.config.delivery.reconcileIntervalMs);
  }

  onApplicationShutdown() {
    return this.task.stop();
  }

  runOnce() {
    return this.task.runOnce();
  }

  private async reconcile() {
    const released = await this.releaseStuck();
    const requeued = await this.requeueOverdue();
    if (released + requeued > 0) {
      this.logger.warn(
        `released ${released} stuck send(s), re-queued ${requeued} message(s) without a job`,
      );
    }
  }

  private async releaseStuck(): Promise<number> {
    const rows = await this.db.transaction(async (em) => {
      const released = await em.query<{ id: string; send_at: Date }[]>(
        // A top-level UPDATE … RETURNING comes back from TypeORM as [rows, count]; a CTE gives rows.
        `WITH released AS (
           UPDATE messages SET status = 'scheduled', possible_duplicate = true, locked_until = NULL,
                  reason = 'released_after_lock_expired', updated_at = now()
            WHERE id IN (SELECT id FROM messages WHERE status = 'sending' AND locked_until < now()
                          ORDER BY locked_until LIMIT ${PAGE} FOR UPDATE SKIP LOCKED)
            RETURNING id, send_at)
         SELECT id, send_at FROM released`,
      );
      await recordStatusChanges(
        em,
        released.map((r) => ({
          messageId: r.id,
          status: 'scheduled',
          reason: 'released_after_lock_expired',
        })),
      );
      return released;
    });
    this.metrics.possibleDuplicates.inc(rows.length);
    await this.requeue(rows.map((r) => r.id));
    return rows.length;
  }

  private async requeueOverdue(): Promise<number> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id FROM messages WHERE status = 'scheduled'
          AND send_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY send_at LIMIT ${PAGE}`,
      [this.config.delivery.overdueMs],
    );
    return this.requeue(rows.map((r) => r.id));
  }

  /** Adds a job for each message unless Redis holds a live one; returns how many it added. */
  private async requeue(ids: string[]): Promise<number> {
    // Asked all at once, the states share one connection's pipeline: a page of 1,000 (after a
    // flush, every page) took 186–244 ms one round trip after another, 76–84 ms together, on
    // an idle machine; on a busy one each round trip also waits for a core.
    const states = await Promise.all(ids.map((id) => this.deliverQueue.jobState(id)));
    const finished = ids.filter((_, i) => states[i] === 'completed' || states[i] === 'failed');
    await Promise.all(finished.map((id) => this.deliverQueue.removeJob(id)));
    const missing = ids.filter((_, i) => states[i] === 'unknown').concat(finished);
    await this.deliverQueue.enqueue(missing.map((id) => ({ id, sendAt: new Date() })));
    return missing.length;
  }
}
