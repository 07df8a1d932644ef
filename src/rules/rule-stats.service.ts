import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { liftOf } from '../analytics/lift';
import { RulesService } from './rules.service';

/**
 * `GET /v1/rules/{id}/stats`: what a rule did and whether it worked. Message counts by
 * status; customers treated (got or were due a message or task) and held out; conversions
 * of each group within the goal window (see GoalTracker for attribution); rates and lift.
 */
@Injectable()
export class RuleStatsService {
  constructor(
    private readonly db: DataSource,
    private readonly rules: RulesService,
  ) {}

  async stats(ruleId: string) {
    await this.rules.find(this.db.manager, ruleId);
    const [row] = await this.db.query<
      {
        by_status: Record<string, number> | null;
        treated: number;
        held_out_customers: number;
        conv_treated: number;
        conv_holdout: number;
        revenue: string | null;
        tasks: number;
        held_out_tasks: number;
        skips: Record<string, number> | null;
        run_skips: Record<string, number> | null;
      }[]
    >(
      `SELECT
         (SELECT jsonb_object_agg(status, n) FROM (
            SELECT status, count(*)::int AS n FROM messages WHERE rule_id = $1 GROUP BY status) s) AS by_status,
         (SELECT count(DISTINCT customer_id)::int FROM (
            SELECT customer_id FROM messages WHERE rule_id = $1 AND status <> 'held_out'
            UNION ALL SELECT customer_id FROM tasks WHERE rule_id = $1 AND status <> 'held_out') t) AS treated,
         (SELECT count(DISTINCT customer_id)::int FROM (
            SELECT customer_id FROM messages WHERE rule_id = $1 AND status = 'held_out'
            UNION ALL SELECT customer_id FROM tasks WHERE rule_id = $1 AND status = 'held_out') h) AS held_out_customers,
         (SELECT count(DISTINCT customer_id)::int FROM conversions WHERE rule_id = $1 AND "group" = 'treated') AS conv_treated,
         (SELECT count(DISTINCT customer_id)::int FROM conversions WHERE rule_id = $1 AND "group" = 'holdout') AS conv_holdout,
         (SELECT sum(revenue) FROM conversions WHERE rule_id = $1 AND "group" = 'treated') AS revenue,
         (SELECT count(*)::int FROM tasks WHERE rule_id = $1 AND status <> 'held_out') AS tasks,
         (SELECT count(*)::int FROM tasks WHERE rule_id = $1 AND status = 'held_out') AS held_out_tasks,
         (SELECT jsonb_object_agg(reason, count) FROM rule_skips WHERE rule_id = $1) AS skips,
         (SELECT jsonb_object_agg(key, n) FROM (
            SELECT key, sum(value::int)::int AS n FROM rule_runs, jsonb_each_text(skipped)
             WHERE rule_id = $1 GROUP BY key) r) AS run_skips`,
      [ruleId],
    );
    const count = (status: string) => row.by_status?.[status] ?? 0;
    const skipped: Record<string, number> = {};
    for (const source of [row.skips, row.run_skips]) {
      for (const [reason, n] of Object.entries(source ?? {}))
        skipped[reason] = (skipped[reason] ?? 0) + Number(n);
    }
    const treated = { customers: row.treated, conversions: row.conv_treated };
    const holdout = { customers: row.held_out_customers, conversions: row.conv_holdout };
    const result = liftOf(treated, holdout);
    return {
      ruleId,
      scheduled: count('scheduled') + count('sending'),
      sent: count('sent'),
      failed: count('failed'),
      suppressed: count('suppressed'),
      cancelled: count('cancelled'),
      heldOut: count('held_out') + row.held_out_tasks,
      tasks: row.tasks,
      skipped,
      customers: { treated: treated.customers, holdout: holdout.customers },
      conversions: { treated: treated.conversions, holdout: holdout.conversions },
      conversionRate: { treated: result.treatedRate, holdout: result.holdoutRate },
      attributedRevenue: row.revenue === null ? 0 : Number(row.revenue),
      lift: result.lift,
      pValue: result.pValue,
      warning: result.warning,
    };
  }
}
