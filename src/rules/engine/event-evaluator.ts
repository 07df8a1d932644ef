import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CustomerValueService, refreshesValue } from '../../analytics/value/customer-value.service';
import { Clock } from '../../common/clock';
import { statementBatcher } from '../../common/batching/statement-batcher';
import type { ScheduledMessage } from '../../messaging/messages/message-request';
import {
  HELD_TURNS_BEFORE_WAITING,
  lockCustomers,
  lockFreeCustomers,
  pauseForHeldCustomer,
} from '../../customers/lock-customers';
import { MessagesService } from '../../messaging/messages/messages.service';
import { GoalTracker } from '../goals/goal-tracker';
import { RuleCache } from '../rule-cache';
import { admit } from './admit';
import type { ActiveRule, Entry, EntryEvent } from './entry';
import { CustomerTurns } from './customer-turns';
import { EntryExecutor } from './entry-executor';
import { evaluationWaves } from './evaluation-waves';
import { entryKey, lastEntries } from './last-entries';
import type { MixModule } from './mix-module';
import { MixModuleRegistry } from './mix-module-registry';
import { SkipCounter } from './skip-counter';
import { loadEventTriggers, EventTrigger } from './trigger-facts';

export interface EvaluationResult {
  /** False when the event no longer exists (its customer was erased). */
  seen: boolean;
  /** Active rules the event triggers. */
  rules: number;
  /** Goal conversions the event made, and pending messages it cancelled (exit on goal). */
  converted: number;
  cancelled: number;
  /**
   * Events are evaluated in batches that share their statements and one transaction; what
   * the event's batch made (messages and tasks scheduled, held-out rows).
   */
  batch: { events: number; scheduled: number; heldOut: number };
}

/** Who listens to an event: the modules that see it, the value refresh, goals and rules. */
interface Interest {
  hooks: MixModule[];
  refreshes: boolean;
  goalRules: ActiveRule[];
  rules: ActiveRule[];
}

/** What one event asks of the engine, decided before the transaction. */
interface Plan extends Interest {
  trigger: EventTrigger;
  result: Omit<EvaluationResult, 'batch'>;
}

interface Skip {
  ruleId: string;
  reason: string;
  n: number;
}

/** One turn of an event in a batch: `waitForLock` after it was handed back a few times. */
interface Attempt {
  eventId: string;
  waitForLock: boolean;
}

/** A batch could not take the event's customer: it joins a later batch `after` this. */
interface Again {
  again: true;
  heldElsewhere: boolean;
  after: Promise<void>;
}

type Outcome = EvaluationResult | Again;

/** Most events concern no rule: they are only marked as seen, with no transaction. */
const needsTransaction = (p: Interest) =>
  p.hooks.length > 0 || p.refreshes || p.goalRules.length > 0 || p.rules.length > 0;

/** Jobs evaluated together at most; the evaluate concurrency sets how many are on hand. */
const MAX_BATCH = 256;
/**
 * Batches evaluated at once by one process: one writes while the next gathers. More would
 * split the same jobs into smaller batches that wait for each other's customer locks.
 */
const BATCHES_IN_FLIGHT = 2;

/**
 * What events do. Each one: the modules see it (a coupon is redeemed), its customer's value is
 * refreshed, goals are met (conversions, exits), then every active rule it triggers is asked
 * whether the customer enters; the messages are queued after the commit.
 *
 * The events that concurrent jobs bring within a few milliseconds are evaluated together, in
 * one transaction and with one statement per step and rule instead of one per event: at
 * thousands of events a second, round trips and commits, not decisions, are the cost. The
 * batch's customers are locked first, in id order (as every writer of customers locks them),
 * so two batches, or a batch and a delivery, take turns per customer and `every` re-entry
 * stays exact. A customer's several events in one batch are taken in waves, one event per
 * customer each (see `evaluationWaves`), so they see each other as if evaluated one by one.
 *
 * Run twice for one event (a retried job), it changes nothing the second time: conversions,
 * codes, check-ins, messages and tasks are all keyed by the event. If a batch fails, each of
 * its events is evaluated again alone, so only a bad event's own job fails and retries.
 */
@Injectable()
export class EventEvaluator {
  private readonly logger = new Logger(EventEvaluator.name);
  private readonly turns = new CustomerTurns();

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

  private readonly batched = statementBatcher(
    (attempts: readonly Attempt[]) => this.evaluateBatch(attempts),
    { maxBatch: MAX_BATCH, maxInFlight: BATCHES_IN_FLIGHT },
  );

  /**
   * Evaluates the event in the next batch. A batch that cannot take the event's customer (its
   * other batch in flight has them, or another transaction holds their row) hands it back,
   * and it joins a later batch: the batch does not stop to wait, so the two batches in
   * flight keep going. After `HELD_TURNS_BEFORE_WAITING` such turns its batch waits for the
   * lock.
   */
  async evaluate(eventId: string): Promise<EvaluationResult> {
    for (let skipped = 0; ;) {
      const outcome = await this.batched({
        eventId,
        waitForLock: skipped >= HELD_TURNS_BEFORE_WAITING,
      });
      if (!('again' in outcome)) return outcome;
      if (outcome.heldElsewhere) skipped += 1;
      await outcome.after;
    }
  }

  /**
   * Whether evaluating this event now would do more than mark it seen: a module wants to see
   * it, it refreshes its customer's value, or an active rule has it as trigger or goal. The
   * delivery worker asks before it stores a `message.sent`: when nothing listens, it stores
   * the event as evaluated and queues no job (that job and its bookkeeping were about a
   * sixth of a send's CPU). That is the answer evaluation would give at that moment with
   * the same cached rules; a rule activated later does not look back at earlier events.
   */
  async concerns(event: EntryEvent): Promise<boolean> {
    return needsTransaction(await this.interestIn(event, false));
  }

  private async evaluateBatch(attempts: readonly Attempt[]): Promise<(Outcome | Error)[]> {
    try {
      return await this.evaluateTogether(attempts);
    } catch (error) {
      if (attempts.length === 1) throw error;
      this.logger.warn(
        `a batch of ${attempts.length} events failed (${(error as Error).message}); evaluating each alone`,
      );
      const out: (Outcome | Error)[] = [];
      // One after another: the retry must not meet itself in the locks that failed the batch.
      for (const attempt of attempts) {
        out.push(
          await this.evaluateTogether([attempt]).then(
            ([result]) => result,
            (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
          ),
        );
      }
      return out;
    }
  }

  /**
   * Customers another transaction holds are not waited for, unless an attempt says so: their
   * events are handed back (`Again`) and join a later batch. An ingestion batch holds hundreds
   * of customers while it writes their orders; waiting for them made every evaluation batch
   * queue behind it, and evaluating them again at once, in a transaction of their own, held
   * up the batch's slot as long.
   */
  private async evaluateTogether(attempts: readonly Attempt[]): Promise<Outcome[]> {
    const ids = attempts.map((a) => a.eventId);
    const waitFor = new Set(attempts.filter((a) => a.waitForLock).map((a) => a.eventId));
    const triggers = await loadEventTriggers(this.db, ids);
    const plans = new Map<string, Plan>();
    for (const id of ids) {
      const trigger = triggers.get(id);
      if (trigger) plans.set(id, await this.plan(trigger));
    }
    const seen = [...plans.keys()];
    // A customer's events in the order they happened (the waves keep this order).
    const busy = [...plans.values()]
      .filter(needsTransaction)
      .sort((a, b) => a.trigger.event.occurredAt.getTime() - b.trigger.event.occurredAt.getTime());
    const turn = this.turns.take(busy, (p) => p.trigger.customer.id);
    const deferred = new Set(turn.later.map((p) => p.trigger.event.id));
    /** Events of customers another transaction held when this batch locked its own. */
    const heldElsewhere = new Set<string>();
    const made = { events: ids.length, scheduled: 0, heldOut: 0 };
    const skips: Skip[] = [];
    const messages: ScheduledMessage[] = [];

    try {
      if (turn.now.length === 0) {
        const marked = seen.filter((id) => !deferred.has(id));
        if (marked.length > 0) await markEvaluated(this.db, marked);
      } else {
        await this.db.transaction(async (em) => {
          const customerOf = (p: Plan) => p.trigger.customer.id;
          const waited = new Set(
            turn.now.filter((p) => waitFor.has(p.trigger.event.id)).map(customerOf),
          );
          // Both in id order; the second never waits, so it cannot deadlock with the first.
          if (waited.size > 0) await lockCustomers(em, [...waited]);
          const free = await lockFreeCustomers(
            em,
            turn.now.map(customerOf).filter((c) => !waited.has(c)),
          );
          const mine = turn.now.filter((p) => waited.has(customerOf(p)) || free.has(customerOf(p)));
          for (const p of turn.now)
            if (!waited.has(customerOf(p)) && !free.has(customerOf(p)))
              heldElsewhere.add(p.trigger.event.id);
          for (const wave of evaluationWaves(mine, customerOf)) {
            messages.push(...(await this.evaluateWave(em, wave, made, skips)));
          }
          await markEvaluated(
            em,
            seen.filter((id) => !deferred.has(id) && !heldElsewhere.has(id)),
          );
        });
      }
    } finally {
      turn.release();
    }
    // Counted only once committed: a batch that failed and is evaluated again counts once.
    for (const skip of skips) this.skips.add(skip.ruleId, skip.reason, skip.n);
    await this.messages.enqueue(messages);

    return ids.map((id): Outcome => {
      // Its customer is in this process's other batch: after that one, with fresh facts.
      if (deferred.has(id)) return { again: true, heldElsewhere: false, after: turn.whenFree };
      // Another transaction (an ingestion batch writing orders) holds the customer.
      if (heldElsewhere.has(id))
        return { again: true, heldElsewhere: true, after: pauseForHeldCustomer() };
      const plan = plans.get(id);
      return plan
        ? { ...plan.result, batch: made }
        : { seen: false, rules: 0, converted: 0, cancelled: 0, batch: made };
    });
  }

  private async plan(trigger: EventTrigger): Promise<Plan> {
    const interest = await this.interestIn(trigger.event, trigger.erased);
    return {
      trigger,
      ...interest,
      result: { seen: true, rules: interest.rules.length, converted: 0, cancelled: 0 },
    };
  }

  /** Who listens to this event: module hooks, the value refresh, goals and rules. */
  private async interestIn(event: EntryEvent, erased: boolean): Promise<Interest> {
    const [triggered, goalRules] = await Promise.all([
      this.cache.forEvent(event.type),
      this.cache.forGoal(event.type),
    ]);
    return {
      hooks: this.modules.all().filter((m) => m.onEvent && (!m.wantsEvent || m.wantsEvent(event))),
      refreshes: refreshesValue(event.type),
      goalRules,
      rules: erased ? [] : triggered,
    };
  }

  /** One event per customer (see `evaluationWaves`): each step one statement for the wave. */
  private async evaluateWave(
    em: EntityManager,
    wave: Plan[],
    made: EvaluationResult['batch'],
    skips: Skip[],
  ): Promise<ScheduledMessage[]> {
    for (const { trigger, hooks } of wave)
      for (const module of hooks)
        await module.onEvent!(em, trigger.event, trigger.customer, trigger.order);
    // After the hooks (a coupon redeemed by this order is a discount that costs to serve),
    // before goals and rules: conditions and the unprofitable skip see this event's value.
    await this.value.refreshOnEvents(
      em,
      wave.filter((p) => p.refreshes).map((p) => p.trigger),
    );
    const goals = await this.goals.onEvents(
      em,
      wave
        .filter((p) => p.goalRules.length > 0)
        .map((p) => ({ rules: p.goalRules, event: p.trigger.event, customer: p.trigger.customer })),
    );
    for (const plan of wave) {
      const outcome = goals.get(plan.trigger.event.id);
      if (!outcome) continue;
      plan.result.converted += outcome.converted;
      plan.result.cancelled += outcome.cancelled.length;
    }
    return this.enter(
      em,
      wave.filter((p) => p.rules.length > 0),
      made,
      skips,
    );
  }

  /** The wave's entries, admitted in memory; each rule's module rows, then all messages at once. */
  private async enter(
    em: EntityManager,
    plans: Plan[],
    made: EvaluationResult['batch'],
    skips: Skip[],
  ): Promise<ScheduledMessage[]> {
    if (plans.length === 0) return [];
    const limited = (r: ActiveRule) => r.definition.reentry !== 'always';
    const last = await lastEntries(
      em,
      unique(plans.flatMap((p) => p.rules.filter(limited).map((r) => r.id))),
      unique(plans.filter((p) => p.rules.some(limited)).map((p) => p.trigger.customer.id)),
    );
    const now = this.clock.now();
    const byRule = new Map<string, { rule: ActiveRule; entries: Entry[] }>();
    for (const { trigger, rules } of plans) {
      for (const rule of rules) {
        const admission = admit(
          rule,
          {
            customer: trigger.customer,
            facts: trigger.facts,
            lastEntryAt: last.get(entryKey(rule.id, trigger.customer.id)) ?? null,
            event: trigger.event,
            order: trigger.order,
          },
          { occurrence: trigger.event.id, triggerAt: trigger.event.occurredAt, runId: null },
          now,
        );
        if ('skip' in admission) {
          if (admission.skip) skips.push({ ruleId: rule.id, reason: admission.skip, n: 1 });
          continue;
        }
        const group = byRule.get(rule.id) ?? { rule, entries: [] };
        group.entries.push(admission.entry);
        byRule.set(rule.id, group);
      }
    }

    const out: ScheduledMessage[] = [];
    const groups = [...byRule.values()];
    const executed = await this.executor.executeMany(em, groups);
    for (const [i, { messages, tally }] of executed.entries()) {
      const { rule } = groups[i];
      made.scheduled += tally.scheduled;
      made.heldOut += tally.heldOut;
      for (const [reason, n] of Object.entries(tally.skipped)) {
        // An existing dedupe key: for a `once` rule, another event of this customer entered
        // first (evaluated at the same time); otherwise this very event was evaluated before.
        if (reason !== 'duplicate') skips.push({ ruleId: rule.id, reason, n });
        else if (rule.definition.reentry === 'once')
          skips.push({ ruleId: rule.id, reason: 'already_entered', n });
      }
      out.push(...messages);
    }
    return out;
  }
}

const unique = (values: string[]) => [...new Set(values)];

/**
 * Records that the engine saw these events: once (`evaluated_at`) and every time (the count).
 * A retried job counts again (`evaluation_count`), which is how a test proves each event was
 * handled once; a batch never holds one event twice, because BullMQ runs one job per event id
 * at a time.
 */
function markEvaluated(q: Pick<EntityManager, 'query'>, eventIds: readonly string[]) {
  return q.query(
    `UPDATE events SET evaluated_at = COALESCE(evaluated_at, now()),
            evaluation_count = evaluation_count + 1 WHERE id = ANY($1::text[])`,
    [eventIds],
  );
}
