import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { lockCustomers } from '../../customers/lock-customers';
import { APP_CONFIG } from '../../config/config.module';
import { isOrderEvent } from '../../customers/order-projection';
import type { EventTrigger } from '../../rules/engine/trigger-facts';
import { recomputeEveryone, RecomputeOutcome, RecomputeTrigger } from './recompute-everyone';
import { insertThresholdsSql, REFRESH_SQL, statsSql, valueParams } from './value-sql';
import type { ValueSettings } from './value-settings';

/** Transaction advisory lock taken to compute the first boundaries, so concurrent refreshes compute them once. */
const BOOTSTRAP_LOCK = 727_502;
/**
 * How long boundaries found present are taken as present without asking again. They are
 * only ever added, so this only delays noticing that the latest are of an empty cohort (every
 * customer erased); asking every time was a round trip per evaluation wave.
 */
const THRESHOLDS_SEEN_MS = 60_000;

export interface RefreshedValue {
  id: string;
  value_tier: string;
  rfm_segment: string | null;
  clv: string;
}

/** Events after which a customer's value is refreshed before rules see them. */
export const refreshesValue = (type: string) => isOrderEvent(type) || type === 'case.opened';

/**
 * Customer value: refreshed for one customer when their order, case or return arrives, and
 * recomputed for everyone by the nightly job. The computation itself is SQL (value-sql.ts)
 * that mirrors the plain functions of customer-value.ts.
 */
@Injectable()
export class CustomerValueService {
  readonly settings: ValueSettings;
  private readonly workMem: string;
  /** When boundaries of a cohort with customers were last seen (`ensureThresholds`). */
  private thresholdsSeenAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { defaultMargin, costPerCase, costPerReturn, lifespanYears } = config.value;
    this.settings = { defaultMargin, costPerCase, costPerReturn, lifespanYears };
    this.workMem = config.value.workMem;
  }

  /**
   * Recomputes these customers' figures, scores, segment and tier in the caller's
   * transaction, against the boundaries of the last computation for everyone. With no
   * boundaries yet (a new install before its first nightly run), computes them first.
   * `locked`: the caller's transaction holds these customers' row locks already.
   */
  async refresh(
    em: EntityManager,
    customerIds: string[],
    { locked = false } = {},
  ): Promise<RefreshedValue[]> {
    const ids = [...new Set(customerIds)].sort((a, b) => Number(BigInt(a) - BigInt(b)));
    if (ids.length === 0) return [];
    const now = this.clock.now();
    await this.ensureThresholds(em, ids, now);
    // Several customers are locked in id order, as every other writer of customers does.
    if (ids.length > 1 && !locked) await lockCustomers(em, ids);
    return em.query<RefreshedValue[]>(REFRESH_SQL, [...valueParams(now, this.settings), ids]);
  }

  /**
   * For the event evaluator: after an order, return or case event, the customer's value is
   * refreshed (one statement for all the events of a wave) and the trigger's facts updated, so conditions on `customer.valueTier`,
   * `customer.rfmSegment` and `customer.clv` — and the engine's skip of unprofitable
   * customers — see the value this event made. Other events change nothing.
   */
  async refreshOnEvents(em: EntityManager, triggers: EventTrigger[]): Promise<void> {
    const refreshing = triggers.filter((t) => refreshesValue(t.event.type));
    if (refreshing.length === 0) return;
    // The evaluator locked its batch's customers before its first wave.
    const rows = await this.refresh(
      em,
      refreshing.map((t) => t.customer.id),
      { locked: true },
    );
    const byCustomer = new Map(rows.map((row) => [String(row.id), row]));
    for (const trigger of refreshing) {
      const row = byCustomer.get(trigger.customer.id);
      if (!row) continue;
      trigger.customer.valueTier = row.value_tier;
      if (trigger.facts.customer)
        Object.assign(trigger.facts.customer, {
          valueTier: row.value_tier,
          rfmSegment: row.rfm_segment,
          clv: row.clv,
        });
    }
  }

  /** Everyone, now (the nightly job and the admin's recompute), on a connection of its own. */
  async recomputeEveryone(
    trigger: RecomputeTrigger,
    log?: (line: string) => void,
  ): Promise<RecomputeOutcome> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      return await recomputeEveryone(runner, this.settings, {
        now: this.clock.now(),
        trigger,
        log,
        workMem: this.workMem,
      });
    } finally {
      await runner.release();
    }
  }

  private async ensureThresholds(em: EntityManager, ids: string[], now: Date) {
    if (performance.now() - this.thresholdsSeenAt < THRESHOLDS_SEEN_MS) return;
    const missing = async () => {
      const [latest] = await em.query<{ customers: number }[]>(
        'SELECT customers FROM value_thresholds ORDER BY id DESC LIMIT 1',
      );
      if (!latest) return true;
      if (latest.customers > 0) {
        this.thresholdsSeenAt = performance.now();
        return false;
      }
      // Boundaries of an empty cohort score nobody; worth computing again once someone has ordered.
      const [buyer] = await em.query<unknown[]>(
        'SELECT 1 FROM customers WHERE id = ANY($1::bigint[]) AND orders_count > 0 LIMIT 1',
        [ids],
      );
      return buyer !== undefined;
    };
    if (!(await missing())) return;
    await em.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
    if (!(await missing())) return;
    await em.query(insertThresholdsSql(`(${statsSql('all')})`), [
      ...valueParams(now, this.settings),
      'bootstrap',
    ]);
  }
}
