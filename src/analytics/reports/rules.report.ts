import { liftOf } from '../lift';
import type { QueryRunnerLike } from './query-runner';
import type { ReportPeriod } from './report-period';
import { money } from './retention-metrics';

export interface RuleReportRow {
  ruleId: string;
  name: string;
  module: string;
  status: string;
  customers: { treated: number; holdout: number };
  conversions: { treated: number; holdout: number };
  conversionRate: { treated: number | null; holdout: number | null };
  /** Sum of the revenue of the treated group's conversions (order totals of `order.placed` goals). */
  attributedRevenue: number;
  lift: number | null;
  pValue: number | null;
  warning: string | null;
}

export interface RulesReport {
  period: ReportPeriod;
  rules: RuleReportRow[];
}

/*
 * The same counts as `GET /v1/rules/{id}/stats` (RuleStatsService), for every rule at once
 * and for the cohort of entries made in the period: an entry is a message row (treated: any
 * status but `held_out`; held out: `held_out`) or a task row, created in [from, to). Its
 * customers are counted once per rule and group; a conversion counts when it is attributed
 * to one of those entries (conversions.entry_id), whenever the goal happened — so a rate is
 * always "of the customers who entered in the period, how many reached the goal".
 */
const RULES_SQL = `
  WITH entries AS MATERIALIZED (
    SELECT id, rule_id, customer_id, status = 'held_out' AS held_out
      FROM messages WHERE rule_id IS NOT NULL AND created_at >= $1 AND created_at < $2
    UNION ALL
    SELECT id, rule_id, customer_id, status = 'held_out'
      FROM tasks WHERE rule_id IS NOT NULL AND created_at >= $1 AND created_at < $2
  ), groups AS (
    SELECT rule_id,
           count(DISTINCT customer_id) FILTER (WHERE NOT held_out)::int AS treated,
           count(DISTINCT customer_id) FILTER (WHERE held_out)::int AS holdout
      FROM entries GROUP BY rule_id
  ), converted AS (
    SELECT e.rule_id,
           count(DISTINCT cv.customer_id) FILTER (WHERE cv."group" = 'treated')::int AS treated,
           count(DISTINCT cv.customer_id) FILTER (WHERE cv."group" = 'holdout')::int AS holdout,
           sum(cv.revenue) FILTER (WHERE cv."group" = 'treated') AS revenue
      FROM entries e JOIN conversions cv ON cv.entry_id = e.id
     GROUP BY e.rule_id
  )
  SELECT r.id, r.name, r.module, r.status,
         COALESCE(g.treated, 0) AS treated, COALESCE(g.holdout, 0) AS holdout,
         COALESCE(c.treated, 0) AS conv_treated, COALESCE(c.holdout, 0) AS conv_holdout,
         c.revenue
    FROM rules r
    LEFT JOIN groups g ON g.rule_id = r.id
    LEFT JOIN converted c ON c.rule_id = r.id
   ORDER BY r.module, r.name, r.id`;

interface Row {
  id: string;
  name: string;
  module: string;
  status: string;
  treated: number;
  holdout: number;
  conv_treated: number;
  conv_holdout: number;
  revenue: string | null;
}

/**
 * `GET /v1/reports/rules`: every rule (by module, then name), with its treated and held-out
 * customers, conversions, rates, attributed revenue, lift and p-value (`liftOf`, the same as
 * the rule's own stats) in one query.
 */
export async function rulesReport(q: QueryRunnerLike, period: ReportPeriod): Promise<RulesReport> {
  const rows = await q.query<Row[]>(RULES_SQL, [period.from, period.to]);
  return {
    period,
    rules: rows.map((r) => {
      const treated = { customers: r.treated, conversions: r.conv_treated };
      const holdout = { customers: r.holdout, conversions: r.conv_holdout };
      const result = liftOf(treated, holdout);
      return {
        ruleId: r.id,
        name: r.name,
        module: r.module,
        status: r.status,
        customers: { treated: r.treated, holdout: r.holdout },
        conversions: { treated: r.conv_treated, holdout: r.conv_holdout },
        conversionRate: { treated: result.treatedRate, holdout: result.holdoutRate },
        attributedRevenue: money(r.revenue),
        lift: result.lift,
        pValue: result.pValue,
        warning: result.warning,
      };
    }),
  };
}
