import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { ScheduledMessage } from '../../messaging/messages/message-request';
import { MessagesService } from '../../messaging/messages/messages.service';
import type { ActiveRule } from '../engine/entry';
import { EntryExecutor } from '../engine/entry-executor';
import { MixModuleRegistry } from '../engine/mix-module-registry';
import { mergeTally, Tally } from '../engine/tally';
import type { RuleDefinition, RuleModule } from '../rule.schema';
import type { RuleStatus } from '../rule.entity';
import { admitPage } from './admit-page';
import { audienceCountQuery, audiencePageQuery, AudienceRow } from './audience-query';
import { writesInPageOrder } from './page-order';
import type { RuleRunRow } from './rule-run.view';

/** How a call to `execute` ended. */
export type RunOutcome =
  /** The whole audience is done (now, or by an earlier attempt). */
  | { kind: 'completed'; processed: number }
  /** The rule is no longer runnable (paused, deleted, made an event rule): the run stops. */
  | { kind: 'cancelled'; reason: string }
  /** `shouldStop` asked to stop between two pages; the run continues from its cursor later. */
  | { kind: 'interrupted' }
  | { kind: 'gone' };

interface RuleForRun {
  id: string;
  name: string;
  module: RuleModule;
  version: number;
  status: RuleStatus;
  trigger_type: string;
  definition: RuleDefinition;
}

/**
 * Executes one schedule or manual run: counts its audience, then reads it in keyset pages and
 * writes each page in a transaction of its own — admit the customers, write their messages or
 * tasks (ON CONFLICT DO NOTHING on the entry dedupe keys), then move the run's cursor over the
 * page with its counters. Pages are written a few at a time but move the cursor in order,
 * each only from where it started (`pass`, `writePage`), so the committed pages are always a
 * prefix of the audience: a worker that dies loses only uncommitted pages, and whoever picks
 * the run up next continues right after the cursor. Two executors on one run at once (a
 * stalled job that was not dead) never count a page twice: one of them fails to move the
 * cursor, rolls back, and looks again.
 *
 * Memory stays flat: at most `RULE_RUN_PAGES_IN_FLIGHT` pages (and their messages until
 * their jobs are in Redis) are held, whatever the audience size.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger(RunExecutor.name);

  constructor(
    private readonly db: DataSource,
    private readonly entries: EntryExecutor,
    private readonly messages: MessagesService,
    private readonly modules: MixModuleRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(runId: string, shouldStop: () => boolean = () => false): Promise<RunOutcome> {
    for (;;) {
      const [run] = await this.db.query<RuleRunRow[]>('SELECT * FROM rule_runs WHERE id = $1', [
        runId,
      ]);
      if (!run) return { kind: 'gone' };
      const rule = await this.loadRule(run.rule_id);
      const active = rule && toActiveRule(rule);
      if (run.status === 'completed' && active) {
        // An earlier attempt finished the pages but maybe not the module's follow-up: the
        // follow-up is idempotent, so it is done again.
        await this.finished(run.id, active);
        return { kind: 'completed', processed: run.processed };
      }
      if (run.status !== 'running') return { kind: 'cancelled', reason: run.status };
      const refusal = runnable(rule);
      if (refusal || !active) {
        await this.db.query(
          `UPDATE rule_runs SET status = 'cancelled', error = $2, finished_at = now()
            WHERE id = $1 AND status = 'running'`,
          [run.id, refusal],
        );
        return { kind: 'cancelled', reason: refusal ?? 'no rule' };
      }

      const asOf = new Date(run.triggered_at);
      if (run.audience_size === null) await this.countAudience(run.id, active, asOf);
      const pass = await this.pass(run.id, active, asOf, shouldStop);
      if (pass === 'interrupted') return { kind: 'interrupted' };
      if (pass === 'done') return this.complete(run.id, active);
      // 'moved': the rule stopped being runnable (paused mid-run), or another executor of
      // the same run (a stalled job that was not dead) committed pages meanwhile: look again.
    }
  }

  private async complete(runId: string, rule: ActiveRule): Promise<RunOutcome> {
    const [done] = await this.db.query<{ processed: number }[]>(
      `WITH done AS (
         UPDATE rule_runs SET status = 'completed', finished_at = now()
          WHERE id = $1 AND status = 'running' RETURNING processed)
       SELECT processed FROM done`,
      [runId],
    );
    if (!done) {
      // Another executor of the same run finished it first.
      const [after] = await this.db.query<RuleRunRow[]>('SELECT * FROM rule_runs WHERE id = $1', [
        runId,
      ]);
      return after?.status === 'completed'
        ? { kind: 'completed', processed: after.processed }
        : { kind: 'cancelled', reason: after?.status ?? 'gone' };
    }
    await this.finished(runId, rule);
    return { kind: 'completed', processed: done.processed };
  }

  /** Marks a run that exhausted its attempts, so its progress says it will not finish. */
  async fail(runId: string, error: string) {
    await this.db.query(
      `UPDATE rule_runs SET status = 'failed', error = $2, finished_at = now()
        WHERE id = $1 AND status = 'running'`,
      [runId, error.slice(0, 2000)],
    );
  }

  /**
   * Goes through the audience from the run's cursor. Pages are read one after another (each
   * starts after the previous one's last customer) and written by up to `pagesInFlight`
   * transactions at once; each transaction ends by moving the cursor from where its page
   * started to where it ends, in page order and only if the cursor is still where its page
   * started (see `writePage`). So the committed pages are always a prefix of the audience and
   * the cursor is a safe place to resume, whatever fails or crashes.
   */
  private async pass(
    runId: string,
    rule: ActiveRule,
    asOf: Date,
    shouldStop: () => boolean,
  ): Promise<'done' | 'interrupted' | 'moved'> {
    const [start] = await this.db.query<Pick<RuleRunRow, 'status' | 'cursor'>[]>(
      'SELECT status, cursor FROM rule_runs WHERE id = $1',
      [runId],
    );
    if (!start || start.status !== 'running') return 'moved';
    const { pageSize, pagesInFlight } = this.config.ruleRuns;
    const inFlight = new Set<Promise<void>>();
    let cursor = start.cursor === null ? null : String(start.cursor);
    // Resolved once the previous page has moved the cursor and committed; rejected if it
    // failed, which fails every later page of this pass too.
    let previousMoved: Promise<void> = Promise.resolve();
    // The first page that failed (a holder: TypeScript does not see the callback assign it).
    const failed: { error: Error | null } = { error: null };
    let outcome: 'done' | 'interrupted' = 'done';
    for (;;) {
      while (inFlight.size >= pagesInFlight) await Promise.race(inFlight);
      if (failed.error) break;
      if (shouldStop()) {
        outcome = 'interrupted';
        break;
      }
      const rows = await this.readPage(rule, asOf, cursor, pageSize);
      if (rows.length === 0) break;
      const page = { rows, from: cursor, to: String(rows[rows.length - 1].id) };
      cursor = page.to;
      const moved = deferred();
      const writing: Promise<void> = this.writePage(runId, rule, asOf, page, previousMoved, moved)
        .catch((error: unknown) => {
          failed.error ??= error instanceof Error ? error : new Error(String(error));
        })
        .finally(() => inFlight.delete(writing));
      inFlight.add(writing);
      previousMoved = moved.promise;
      if (rows.length < pageSize) break;
    }
    await Promise.all(inFlight);
    if (failed.error instanceof CursorMoved) return 'moved';
    if (failed.error) throw failed.error;
    return outcome;
  }

  private async readPage(
    rule: ActiveRule,
    asOf: Date,
    cursor: string | null,
    pageSize: number,
  ): Promise<AudienceRow[]> {
    const query = audiencePageQuery({
      ruleId: rule.id,
      conditions: rule.definition.conditions,
      asOf,
      cursor,
      pageSize,
      // `always` enters on every trigger whatever came before.
      needsLastEntry: rule.definition.reentry !== 'always',
    });
    return this.db.query<AudienceRow[]>(query.sql, query.params);
  }

  /**
   * One page in one transaction: admit, write the entries' rows, then — once the previous
   * page has committed its cursor move — move it from `page.from` to `page.to` with the
   * page's counters. The UPDATE matches only if the cursor is exactly where this page starts:
   * if the previous page rolled back, or another executor moved the cursor, this page rolls
   * back too. After the commit, the messages' jobs are added (a crash right there leaves rows
   * without jobs, which the delivery reconciler adds once they are due).
   *
   * The wait is for the previous page's commit, not for its UPDATE: an UPDATE started while
   * that commit is still on its way reads the cursor as it was before it (READ COMMITTED
   * takes the statement's snapshot first and only waits on rows that match there), finds it
   * one page behind, and this page — with every page after it — rolled back and was written
   * again. That was a third of a big run's inserts.
   */
  private async writePage(
    runId: string,
    rule: ActiveRule,
    asOf: Date,
    page: { rows: AudienceRow[]; from: string | null; to: string },
    previousMoved: Promise<void>,
    moved: Deferred,
  ): Promise<void> {
    let messages: ScheduledMessage[] = [];
    try {
      await this.db.transaction(async (em) => {
        if (writesInPageOrder(rule.definition)) await previousMoved;
        const trigger = { occurrence: runId, triggerAt: asOf, runId };
        const admitted = admitPage(rule, page.rows, trigger, this.clock.now());
        const executed = await this.entries.execute(em, rule, admitted.entries);
        const tally: Tally = { scheduled: 0, heldOut: 0, skipped: {} };
        mergeTally(tally, admitted.tally);
        mergeTally(tally, executed.tally);
        await previousMoved;
        const updated = await moveCursor(em, runId, page, page.rows.length, tally);
        if (!updated) throw new CursorMoved();
        messages = executed.messages;
      });
    } catch (error) {
      moved.reject(error);
      throw error;
    }
    moved.resolve();
    await this.messages.enqueue(messages);
  }

  private async countAudience(runId: string, rule: ActiveRule, asOf: Date) {
    const count = audienceCountQuery(rule.definition.conditions, asOf);
    const [{ n }] = await this.db.query<{ n: number }[]>(count.sql, count.params);
    await this.db.query(
      'UPDATE rule_runs SET audience_size = $2 WHERE id = $1 AND audience_size IS NULL',
      [runId, n],
    );
  }

  private async finished(runId: string, rule: ActiveRule) {
    const module = this.modules.has(rule.module) ? this.modules.get(rule.module) : null;
    if (module?.onRunFinished) await module.onRunFinished(runId, rule);
  }

  private async loadRule(ruleId: string): Promise<RuleForRun | null> {
    const [rule] = await this.db.query<RuleForRun[]>(
      `SELECT id, name, module, version, status, trigger_type, definition FROM rules WHERE id = $1`,
      [ruleId],
    );
    if (!rule) this.logger.warn(`rule ${ruleId} of a run no longer exists`);
    return rule ?? null;
  }
}

/** The cursor was not where a page started: a page before it failed, or another executor ran. */
class CursorMoved extends Error {
  constructor() {
    super('the run moved on without this page');
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A page that fails before anyone waits on it must not count as an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * Moves the cursor over one page and adds its counters, only if the cursor is where the page
 * starts and the run is still running; false otherwise. Skip reasons are added key by key.
 */
async function moveCursor(
  em: EntityManager,
  runId: string,
  page: { from: string | null; to: string },
  processed: number,
  tally: Tally,
): Promise<boolean> {
  const rows = await em.query<{ id: string }[]>(
    `WITH moved AS (
       UPDATE rule_runs r
          SET cursor = $3, processed = processed + $4, scheduled = scheduled + $5,
              held_out = held_out + $6,
              skipped = (SELECT COALESCE(jsonb_object_agg(k, n), '{}'::jsonb)
                           FROM (SELECT k, sum(n)::int AS n
                                   FROM (SELECT key AS k, value::int AS n FROM jsonb_each_text(r.skipped)
                                         UNION ALL
                                         SELECT key, value::int FROM jsonb_each_text($7::jsonb)) AS both_
                                  GROUP BY k) AS summed)
        WHERE id = $1 AND status = 'running' AND cursor IS NOT DISTINCT FROM $2::bigint
          -- Pausing a rule stops its runs within a page or so, not after the whole audience.
          AND EXISTS (SELECT 1 FROM rules WHERE rules.id = r.rule_id AND rules.status = 'active')
        RETURNING id)
     SELECT id FROM moved`,
    [
      runId,
      page.from,
      page.to,
      processed,
      tally.scheduled,
      tally.heldOut,
      JSON.stringify(tally.skipped),
    ],
  );
  return rows.length > 0;
}

/** Why the rule can no longer run (deleted, paused, made an event rule), or null. */
function runnable(rule: RuleForRun | null): string | null {
  if (!rule) return 'the rule was deleted';
  if (rule.status !== 'active') {
    return `the rule was ${rule.status === 'paused' ? 'paused' : `set to ${rule.status}`}`;
  }
  if (rule.trigger_type === 'event') return 'the rule was changed to an event rule';
  return null;
}

function toActiveRule(rule: RuleForRun): ActiveRule {
  return {
    id: rule.id,
    name: rule.name,
    module: rule.module,
    version: rule.version,
    definition: rule.definition,
  };
}
