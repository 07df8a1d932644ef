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
import { promotionBound, promotionIntervalMs, watermarkAfterPage } from './deliver-horizon';
import { DeliverQueue } from './deliver-queue';
import { DeliveryMetrics } from './delivery-metrics';

const PROMOTE_LOCK = 727_003;
const PAGE = 1000;
/** Where the watermark starts if its row is missing: nothing is known to be promoted. */
const BEGINNING = new Date(0);

/**
 * Adds the `deliver` jobs of scheduled messages as they come within the horizon: messages
 * due later than DELIVER_JOB_HORIZON_MS when they were scheduled got a row but no job (see
 * deliver-horizon.ts). Each pass reads, in send-time order, the scheduled messages due after
 * the watermark (table `deliver_promotion`) and by half a horizon from now, adds their jobs
 * a page at a time, and moves the watermark after each page once Redis has the jobs: a pass
 * that dies part-way starts again from the last page Redis took. Jobs the scheduling side
 * added already are ignored by BullMQ (same job id).
 *
 * A flushed Redis loses the jobs of messages below the watermark too; those are overdue
 * before long, and the DeliveryReconciler adds jobs for overdue messages that have none.
 */
@Injectable()
export class DeliverPromoter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeliverPromoter');
  private readonly task: PeriodicTask;
  /** Set at shutdown: a long pass stops after its current page (the watermark is there). */
  private stopping = false;

  constructor(
    private readonly db: DataSource,
    private readonly deliverQueue: DeliverQueue,
    private readonly metrics: DeliveryMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask('DeliverPromoter', PROMOTE_LOCK, db, () => this.promote());
  }

  onApplicationBootstrap() {
    this.task.start(promotionIntervalMs(this.config.delivery.jobHorizonMs));
  }

  onApplicationShutdown() {
    this.stopping = true;
    return this.task.stop();
  }

  runOnce() {
    return this.task.runOnce();
  }

  /** One pass; returns how many jobs it added (or found already there). */
  private async promote(): Promise<number> {
    const bound = promotionBound(Date.now(), this.config.delivery.jobHorizonMs);
    const from = await this.watermark();
    if (from >= bound) return 0;
    let promoted = 0;
    // A cursor reads the range in one statement and one snapshot, page by page, without
    // sorting: the (status, send_at) index hands the rows over in send-time order. Paging by
    // `send_at > last` instead would skip the rest of many messages sharing one send time.
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(
        `DECLARE due NO SCROLL CURSOR FOR
           SELECT id, send_at FROM messages
            WHERE status = 'scheduled' AND send_at > $1 AND send_at <= $2
            ORDER BY send_at`,
        [from, bound],
      );
      for (;;) {
        const rows = (await runner.query(`FETCH ${PAGE} FROM due`)) as {
          id: string;
          send_at: Date;
        }[];
        const page = rows.map((row) => ({ id: row.id, sendAt: row.send_at }));
        await this.deliverQueue.addJobs(page);
        promoted += page.length;
        this.metrics.promoted.inc(page.length);
        // On another connection, committed at once: the jobs are in Redis now.
        await this.advance(watermarkAfterPage(page, PAGE, bound));
        if (page.length < PAGE || this.stopping) break;
      }
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
    if (promoted > 0) this.logger.debug(`added the jobs of ${promoted} message(s) due soon`);
    return promoted;
  }

  private async watermark(): Promise<Date> {
    const [row] = await this.db.query<{ promoted_until: Date }[]>(
      'SELECT promoted_until FROM deliver_promotion WHERE id = 1',
    );
    if (row) return row.promoted_until;
    // The migration writes the row; without it, promote everything scheduled (ids already
    // in Redis are ignored) rather than assume anything was.
    await this.db.query(
      'INSERT INTO deliver_promotion (id, promoted_until) VALUES (1, $1) ON CONFLICT (id) DO NOTHING',
      [BEGINNING],
    );
    return BEGINNING;
  }

  private async advance(until: Date) {
    await this.db.query(
      'UPDATE deliver_promotion SET promoted_until = GREATEST(promoted_until, $1) WHERE id = 1',
      [until],
    );
  }
}
