import type { EntityManager } from 'typeorm';
import type { FieldError } from '../../common/problem/problem';
import type { MessageClass } from '../../messaging/messages/message.entity';
import type { EmailAction, RuleInput, RuleModule, TaskAction } from '../rule.schema';
import type { ActiveRule, Entry, EntryCustomer, EntryEvent, EntryOrder, Prepared } from './entry';

/**
 * What a mix module adds to the shared engine. The engine does everything rules have in
 * common — triggers, conditions, re-entry, holdout, value tiers, send time, goals, message
 * rows and jobs — and asks the module only for what is its own.
 */
export interface MixModule {
  readonly name: RuleModule;
  /** `kind` and `class` of the email messages its rules send. */
  readonly messageKind: string;
  readonly messageClass: MessageClass;
  /** Spends money on the customer (discounts, extras): skips `unprofitable` customers. */
  readonly spendsMoney: boolean;

  /**
   * Template context roots the module fills for a rule, beyond the ones every message has
   * (customer, account, company, unsubscribeUrl, preferencesUrl) and the trigger's (event,
   * order). A rule whose template uses any other root is refused when saved.
   */
  contextRoots(rule: RuleInput): readonly string[];

  /** Errors in the rule's action for this module (options of other modules, task actions…). */
  checkAction(action: EmailAction | TaskAction, rule: RuleInput): FieldError[];

  /**
   * Module work for the treated entries that are about to get an email, in the engine's
   * transaction: make codes, check-ins, pick extras. Given every rule of the module that one
   * evaluation wave (or one page of a run) enters, so their rows share statements; returns
   * one list of results per group, one result per entry, in order. Idempotent per entry
   * dedupe key (a retried job prepares the same entry again and must get the same answer).
   * The wave's messages are written after it, so a module that reads its earlier messages
   * (product extras: nothing offered in the last 30 days) accounts in memory for what the
   * groups before a group asked for.
   */
  prepareMany?(em: EntityManager, groups: PrepareGroup[]): Promise<Prepared[][]>;

  /**
   * For `task` actions (sales-touchpoints): create the tasks for these entries (treated and
   * held out) in the engine's transaction; returns how many were created.
   */
  createTasks?(em: EntityManager, entries: Entry[], action: TaskAction): Promise<TaskOutcome>;

  /** A schedule or manual run of one of the module's rules finished (task digests go out). */
  onRunFinished?(runId: string, rule: ActiveRule): Promise<void>;

  /**
   * Sees every event (sent in or the engine's own) before rules are evaluated for it, in
   * the evaluate transaction: a promotion module redeems the coupon of an `order.placed`.
   * Must be idempotent per event id (the job may run again).
   */
  /** Whether `onEvent` has anything to do with this event (in memory; no queries). */
  wantsEvent?(event: EntryEvent): boolean;

  onEvent?(
    em: EntityManager,
    event: EntryEvent,
    customer: EntryCustomer,
    order: EntryOrder | null,
  ): Promise<void>;
}

/** One rule's treated entries and its action, for `prepareMany`. */
export interface PrepareGroup {
  entries: Entry[];
  action: EmailAction;
}

export interface TaskOutcome {
  created: number;
  heldOut: number;
  /** Entries that made no task, by reason (`no_account`, `same_account_in_run`, …). */
  skipped: Record<string, number>;
}

/** Nest token under which every mix module registers itself (multi-provider array). */
export const MIX_MODULES = Symbol('MIX_MODULES');
