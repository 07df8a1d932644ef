import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CustomerValueService, refreshesValue } from '../../analytics/value/customer-value.service';
import { Clock } from '../../common/clock';
import type { ScheduledMessage } from '../../messaging/messages/message-request';
import { MessagesService } from '../../messaging/messages/messages.service';
import { GoalTracker } from '../goals/goal-tracker';
import { RuleCache } from '../rule-cache';
import { admit } from './admit';
import type { ActiveRule } from './entry';
import { EntryExecutor } from './entry-executor';
import { MixModuleRegistry } from './mix-module-registry';
import { SkipCounter } from './skip-counter';
import { statementBatcher } from '../../common/batching/statement-batcher';
import { loadEventTriggers, EventTrigger } from './trigger-facts';

export interface EvaluationResult {
  /** False when the event no longer exists (its customer was erased). */
  seen: boolean;
  rules: number;
  scheduled: number;
  heldOut: number;
  converted: number;
  cancelled: number;
}

/**
 * What one event does, in one transaction: the modules see it (a coupon is redeemed), goals
 * are met (conversions, exits), then every active rule it triggers is asked whether the
 * customer enters. The messages are queued after the commit. Run twice for one event (a
 * retried job), it changes nothing the second time: conversions, codes, check-ins,
 * messages and tasks are all keyed by the event.
 */
@Injectable()
export class EventEvaluator {
  constructor(
    private readonly db: DataSource,
    private readonly cache: RuleCache,
    private readonly modules: MixModuleRegistry,
    private readonly goals: GoalTracker,
    private readonly executor: EntryExecutor,
    private readonly messages: MessagesService,
    private readonly skips: SkipCounter,
    private readonly clock: Clock,
    private readonly value: CustomerValueService,
  ) {}

  /** Concurrent jobs' event reads and "seen" marks, one statement each (see statementBatcher). */
  private readonly loadTrigger = statementBatcher(async (ids: readonly string[]) => {
    const triggers = await loadEventTriggers(this.db, ids);
    return ids.map((id) => triggers.get(id) ?? null);
  });
  private readonly markEvaluated = statementBatcher(async (ids: readonly string[]) => {
    await markEvaluated(this.db, ids);
    return ids.map(() => undefined);
  });

  async evaluate(eventId: string): Promise<EvaluationResult> {
    const result: EvaluationResult = {
      seen: false,
      rules: 0,
      scheduled: 0,
      heldOut: 0,
      converted: 0,
      cancelled: 0,
    };
    const trigger = await this.loadTrigger(eventId);
    if (!trigger) return result;
    result.seen = true;
    const type = trigger.event.type;
    const [triggered, goalRules] = await Promise.all([
      this.cache.forEvent(type),
      this.cache.forGoal(type),
    ]);
    const hooks = this.modules
      .all()
      .filter((m) => m.onEvent && (!m.wantsEvent || m.wantsEvent(trigger.event)));
    const rules = trigger.erased ? [] : triggered;
    result.rules = rules.length;
    const refreshes = refreshesValue(type);
    if (hooks.length === 0 && goalRules.length === 0 && rules.length === 0 && !refreshes) {
      // Most events concern no rule: one statement, no transaction, shared with other jobs.
      await this.markEvaluated(eventId);
      return result;
    }

    const messages: ScheduledMessage[] = [];
    await this.db.transaction(async (em) => {
      for (const module of hooks)
        await module.onEvent!(em, trigger.event, trigger.customer, trigger.order);
      // After the hooks (a coupon redeemed by this order is a discount that costs to serve),
      // before goals and rules: conditions and the unprofitable skip see this event's value.
      if (refreshes) await this.value.refreshOnEvent(em, trigger);
      if (goalRules.length > 0) {
        const outcome = await this.goals.onEvent(em, goalRules, trigger.event, trigger.customer);
        result.converted = outcome.converted;
        result.cancelled = outcome.cancelled.length;
      }
      if (rules.length > 0) messages.push(...(await this.enter(em, rules, trigger, result)));
      await markEvaluated(em, [eventId]);
    });
    await this.messages.enqueue(messages);
    return result;
  }

  private async enter(
    em: EntityManager,
    rules: ActiveRule[],
    trigger: EventTrigger,
    result: EvaluationResult,
  ): Promise<ScheduledMessage[]> {
    const customerId = trigger.customer.id;
    const reentries = rules.map((r) => r.definition.reentry);
    // With `every` re-entry, one customer's entries take turns (a row lock), so two events
    // in the same instant do not both pass; `once` is settled by the dedupe key itself.
    if (reentries.some((r) => typeof r === 'object'))
      await em.query('SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE', [customerId]);
    const last = reentries.every((r) => r === 'always')
      ? new Map<string, Date>()
      : await lastEntries(
          em,
          rules.map((r) => r.id),
          customerId,
        );
    const now = this.clock.now();
    const out: ScheduledMessage[] = [];
    for (const rule of rules) {
      const admission = admit(
        rule,
        {
          customer: trigger.customer,
          facts: trigger.facts,
          lastEntryAt: last.get(rule.id) ?? null,
          event: trigger.event,
          order: trigger.order,
        },
        { occurrence: trigger.event.id, triggerAt: trigger.event.occurredAt, runId: null },
        now,
      );
      if ('skip' in admission) {
        if (admission.skip) this.skips.add(rule.id, admission.skip);
        continue;
      }
      const { messages, tally } = await this.executor.execute(em, rule, [admission.entry]);
      result.scheduled += tally.scheduled;
      result.heldOut += tally.heldOut;
      for (const [reason, n] of Object.entries(tally.skipped)) {
        // An existing dedupe key: for a `once` rule, another event of this customer entered
        // first (evaluated at the same time); otherwise this very event was evaluated before.
        if (reason !== 'duplicate') this.skips.add(rule.id, reason, n);
        else if (rule.definition.reentry === 'once') this.skips.add(rule.id, 'already_entered', n);
      }
      out.push(...messages);
    }
    return out;
  }
}

/** Records that the event was seen: once (`evaluated_at`) and every time (the count). */
/**
 * Records that the engine saw these events. A retried job counts again (`evaluation_count`),
 * which is how a test proves each event was handled once; a batch never holds one event
 * twice, because BullMQ runs one job per event id at a time.
 */
function markEvaluated(q: Pick<EntityManager, 'query'>, eventIds: readonly string[]) {
  return q.query(
    `UPDATE events SET evaluated_at = COALESCE(evaluated_at, now()),
            evaluation_count = evaluation_count + 1 WHERE id = ANY($1::text[])`,
    [eventIds],
  );
}

/** When the customer last entered each rule: their latest message or task of it. */
async function lastEntries(
  em: EntityManager,
  ruleIds: string[],
  customerId: string,
): Promise<Map<string, Date>> {
  const rows = await em.query<{ rule_id: string; at: Date }[]>(
    `SELECT rule_id, max(at) AS at FROM (
       SELECT rule_id, created_at AS at FROM messages WHERE customer_id = $1 AND rule_id = ANY($2::uuid[])
       UNION ALL
       SELECT rule_id, created_at FROM tasks WHERE customer_id = $1 AND rule_id = ANY($2::uuid[])) e
     GROUP BY rule_id`,
    [customerId, ruleIds],
  );
  return new Map(rows.map((r) => [r.rule_id, r.at]));
}
