/** The run statuses: `running` until its audience is done, then one of the others. */
export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type RunTrigger = 'schedule' | 'manual';

/** A `rule_runs` row as SQL returns it. */
export interface RuleRunRow {
  id: string;
  rule_id: string;
  occurrence: string;
  trigger: RunTrigger;
  status: RunStatus;
  triggered_at: Date;
  audience_size: number | null;
  processed: number;
  scheduled: number;
  held_out: number;
  skipped: Record<string, number>;
  cursor: string | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/**
 * A run's progress as the API answers it. `audienceSize` is counted when the run starts (null
 * until then) and is an estimate: customers who join the audience while it runs are reached
 * if their id is past the cursor. `scheduled` counts messages (or tasks) made, `heldOut`
 * holdout members recorded, `skipped` entries not made, by reason.
 */
export function runView(row: RuleRunRow) {
  return {
    id: row.id,
    ruleId: row.rule_id,
    status: row.status,
    trigger: row.trigger,
    triggeredAt: row.triggered_at,
    audienceSize: row.audience_size,
    processed: row.processed,
    scheduled: row.scheduled,
    heldOut: row.held_out,
    skipped: row.skipped,
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export type RunView = ReturnType<typeof runView>;
