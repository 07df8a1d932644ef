import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QueueProducer } from '../../common/queue/queue-producer';
import { QUEUES, ruleRunJobId } from '../../common/queue/queues';
import { conflict, notFound } from '../../common/problem/problem';
import type { RuleStatus } from '../rule.entity';
import { RuleRunRow, RunTrigger, runView } from './rule-run.view';
import { runRefusal } from './run-refusal';

export interface ExecuteRunJobData {
  runId: string;
}

export interface StartRun {
  trigger: RunTrigger;
  /** Unique per rule: the schedule tick (ISO instant), or the run id for manual runs. */
  occurrence?: string;
  triggeredAt: Date;
}

/**
 * Schedule and manual runs of a rule: recording them, queueing their execution, answering
 * their progress. A run row is committed before its job is added; a job that never reached
 * Redis is added by the run reconciler, so a run is never lost, only late.
 */
@Injectable()
export class RuleRuns {
  private readonly logger = new Logger(RuleRuns.name);

  constructor(
    private readonly db: DataSource,
    private readonly producer: QueueProducer,
  ) {}

  /**
   * Records a run and queues it. The occurrence is unique per rule, so a tick seen twice
   * (two workers, a scheduler re-created) makes one run: `created` is false and `runId` is
   * the first one's. Its job is queued again either way — a no-op while BullMQ keeps the job,
   * and the repair if the first add was lost.
   */
  async start(ruleId: string, start: StartRun): Promise<{ runId: string; created: boolean }> {
    const id = randomUUID();
    const occurrence = start.occurrence ?? id;
    const inserted = await this.db.query<{ id: string }[]>(
      `INSERT INTO rule_runs (id, rule_id, occurrence, trigger, status, triggered_at)
       VALUES ($1, $2, $3, $4, 'running', $5)
       ON CONFLICT (rule_id, occurrence) DO NOTHING
       RETURNING id`,
      [id, ruleId, occurrence, start.trigger, start.triggeredAt],
    );
    let runId = inserted[0]?.id;
    if (!runId) {
      const [existing] = await this.db.query<{ id: string }[]>(
        'SELECT id FROM rule_runs WHERE rule_id = $1 AND occurrence = $2',
        [ruleId, occurrence],
      );
      runId = existing.id;
    }
    await this.enqueue([runId]);
    return { runId, created: inserted.length > 0 };
  }

  /** `POST /v1/rules/{id}/run`: 404 for an unknown rule, 409 for one that cannot run now. */
  async runNow(ruleId: string, now: Date): Promise<{ runId: string }> {
    const [rule] = await this.db.query<{ status: RuleStatus; trigger_type: string }[]>(
      'SELECT status, trigger_type FROM rules WHERE id = $1',
      [ruleId],
    );
    if (!rule) throw notFound(`rule ${ruleId}`);
    const refusal = runRefusal(rule);
    if (refusal) throw conflict(refusal);
    const { runId } = await this.start(ruleId, { trigger: 'manual', triggeredAt: now });
    return { runId };
  }

  async progress(ruleId: string, runId: string) {
    const [row] = await this.db.query<RuleRunRow[]>(
      'SELECT * FROM rule_runs WHERE id = $1 AND rule_id = $2',
      [runId, ruleId],
    );
    if (!row) throw notFound(`run ${runId} of rule ${ruleId}`);
    return runView(row);
  }

  /** The rule's latest runs, newest first. */
  async list(ruleId: string, limit = 50) {
    const [rule] = await this.db.query<{ id: string }[]>('SELECT id FROM rules WHERE id = $1', [
      ruleId,
    ]);
    if (!rule) throw notFound(`rule ${ruleId}`);
    const rows = await this.db.query<RuleRunRow[]>(
      `SELECT * FROM rule_runs WHERE rule_id = $1 ORDER BY triggered_at DESC, id DESC LIMIT $2`,
      [ruleId, limit],
    );
    return { items: rows.map(runView) };
  }

  /**
   * Adds the runs' `execute-run` jobs (job id `run.<id>`, so adding one twice is a no-op
   * while BullMQ keeps it). Never throws for Redis trouble: the reconciler retries.
   */
  async enqueue(runIds: string[]): Promise<boolean> {
    try {
      await this.producer.addBulk(
        QUEUES.ruleRuns.name,
        runIds.map((runId) => ({
          name: QUEUES.ruleRuns.jobName,
          data: { runId } satisfies ExecuteRunJobData,
          opts: { ...QUEUES.ruleRuns.defaults, jobId: ruleRunJobId(runId) },
        })),
      );
      return true;
    } catch (error) {
      this.logger.warn(
        `could not queue run(s) ${runIds.join(', ')}, the reconciler will: ${(error as Error).message}`,
      );
      return false;
    }
  }
}
