import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MessageRequest, ScheduledMessage } from '../../messaging/messages/message-request';
import { MessagesService } from '../../messaging/messages/messages.service';
import type { EmailAction } from '../rule.schema';
import type { ActiveRule, Entry, Prepared } from './entry';
import type { MixModule, PrepareGroup } from './mix-module';
import { MixModuleRegistry } from './mix-module-registry';
import { addSkip, Tally } from './tally';

/**
 * Turns the admitted entries of one rule into rows, inside the caller's transaction: message
 * rows (held-out ones included, for measurement) or, for task actions, the module's tasks.
 * The caller queues `messages` after it commits.
 */
@Injectable()
export class EntryExecutor {
  constructor(
    private readonly modules: MixModuleRegistry,
    private readonly messages: MessagesService,
  ) {}

  async execute(
    em: EntityManager,
    rule: ActiveRule,
    entries: Entry[],
  ): Promise<{ messages: ScheduledMessage[]; tally: Tally }> {
    const [executed] = await this.executeMany(em, [{ rule, entries }]);
    return executed;
  }

  /**
   * `execute` for several rules at once (the rules one evaluation wave enters): the module
   * work of each module's rules together (`prepareMany`), then the messages of all of them
   * in one insert. A wave of events that triggers ten rules wrote ten message statements
   * before. The insert answers in request order, so each rule still gets its own messages
   * and counts.
   */
  async executeMany(
    em: EntityManager,
    groups: { rule: ActiveRule; entries: Entry[] }[],
  ): Promise<{ messages: ScheduledMessage[]; tally: Tally }[]> {
    const preparedTogether = await this.prepareTogether(em, groups);
    const planned: { requests: MessageRequest[]; tally: Tally }[] = [];
    for (const [i, { rule, entries }] of groups.entries())
      planned.push(await this.requestsFor(em, rule, entries, preparedTogether.get(i)));
    const inserted = await this.messages.insert(
      em,
      planned.flatMap((p) => p.requests),
    );
    let next = 0;
    return planned.map(({ requests, tally }) => {
      const messages = inserted.slice(next, (next += requests.length));
      for (const m of messages) {
        if (!m.created) addSkip(tally, 'duplicate');
        else if (m.status === 'held_out') tally.heldOut += 1;
        else tally.scheduled += 1;
      }
      return { messages, tally };
    });
  }

  /**
   * The module work of every email rule (`prepareMany`), one call per module, by the
   * group's index in `groups`. A module's work
   * reads and writes only its own rows (and its own earlier messages, which the wave writes
   * after all of it), so the order of the modules changes nothing.
   */
  private async prepareTogether(
    em: EntityManager,
    groups: { rule: ActiveRule; entries: Entry[] }[],
  ): Promise<Map<number, Prepared[]>> {
    const byModule = new Map<MixModule, { index: number; group: PrepareGroup }[]>();
    for (const [index, { rule, entries }] of groups.entries()) {
      const module = this.modules.get(rule.module);
      const action = rule.definition.action;
      if (!module.prepareMany || action.type === 'task' || entries.length === 0) continue;
      const treated = entries.filter((e) => e.group === 'treated');
      const list = byModule.get(module) ?? [];
      list.push({ index, group: { entries: treated, action } });
      byModule.set(module, list);
    }
    const out = new Map<number, Prepared[]>();
    for (const [module, list] of byModule) {
      const prepared = await module.prepareMany!(
        em,
        list.map((l) => l.group),
      );
      list.forEach((l, k) => out.set(l.index, prepared[k]));
    }
    return out;
  }

  /**
   * One rule's messages (its tasks, for a task action); `preparedAlready`: its module work
   * (codes, check-ins, extras) done by `prepareTogether`, none for a module without any.
   */
  private async requestsFor(
    em: EntityManager,
    rule: ActiveRule,
    entries: Entry[],
    preparedAlready?: Prepared[],
  ): Promise<{ requests: MessageRequest[]; tally: Tally }> {
    const tally: Tally = { scheduled: 0, heldOut: 0, skipped: {} };
    if (entries.length === 0) return { requests: [], tally };
    const module = this.modules.get(rule.module);
    const action = rule.definition.action;

    if (action.type === 'task') {
      if (!module.createTasks) throw new Error(`${rule.module} cannot run task actions`);
      const outcome = await module.createTasks(em, entries, action);
      tally.scheduled += outcome.created;
      tally.heldOut += outcome.heldOut;
      for (const [reason, n] of Object.entries(outcome.skipped)) addSkip(tally, reason, n);
      return { requests: [], tally };
    }

    const treated = entries.filter((e) => e.group === 'treated');
    const heldOut = entries.filter((e) => e.group === 'holdout');
    const prepared: Prepared[] = preparedAlready ?? treated.map(() => ({ context: {} }));

    const requests: MessageRequest[] = heldOut.map((e) => {
      const request = this.baseRequest(module, rule, e, action);
      request.status = 'held_out';
      return request;
    });
    const ready: { entry: Entry; context: Record<string, unknown>; expiresAt: Date | null }[] = [];
    treated.forEach((entry, i) => {
      const outcome = prepared[i];
      if ('skip' in outcome) addSkip(tally, outcome.skip);
      else ready.push({ entry, context: outcome.context, expiresAt: outcome.expiresAt ?? null });
    });
    const recipients = await this.recipients(
      em,
      action,
      ready.map((r) => r.entry),
    );
    for (const { entry, context, expiresAt } of ready) {
      const to = recipients.get(entry.customer.id);
      if (!to || to.length === 0) {
        addSkip(tally, action.to === 'account-owner' ? 'no_account' : 'no_stakeholders');
        continue;
      }
      for (const recipient of to) {
        // Built in place, not spread from a base: copying a dozen fields twice per message
        // was the worker's costliest line in a million-customer run.
        const request = this.baseRequest(module, rule, entry, action);
        if (recipient.suffix) request.dedupeKey += `.${recipient.suffix}`;
        request.customerId = recipient.customerId;
        request.recipient = recipient.address;
        Object.assign(request.context!, context);
        request.expiresAt = expiresAt;
        requests.push(request);
      }
    }

    return { requests, tally };
  }

  private baseRequest(
    module: MixModule,
    rule: ActiveRule,
    entry: Entry,
    action: EmailAction,
  ): MessageRequest {
    const def = rule.definition;
    return {
      dedupeKey: entry.dedupeKey,
      customerId: entry.customer.id,
      module: rule.module,
      kind: module.messageKind,
      class: module.messageClass,
      priority: def.priority,
      templateKey: action.template,
      context: triggerContext(entry),
      sendAt: entry.sendAt,
      sendWindow: def.sendWindow ?? null,
      expiresAt: null,
      ruleId: rule.id,
      // The delivery worker drops a message whose goal was met after it was scheduled.
      goalEvent: def.goal && def.goal.exitOnGoal ? def.goal.event : null,
      recipient: null,
      status: 'scheduled',
    };
  }

  /**
   * Who each entry's message goes to: the customer; the account's owner (an explicit
   * address, still about the customer); or every stakeholder of the account, each a
   * message of their own, personalized at send time.
   */
  private async recipients(
    em: EntityManager,
    action: EmailAction,
    entries: Entry[],
  ): Promise<Map<string, Recipient[]>> {
    const out = new Map<string, Recipient[]>();
    if (action.to === 'customer') {
      for (const e of entries) out.set(e.customer.id, [{ customerId: e.customer.id }]);
      return out;
    }
    const accountIds = [
      ...new Set(entries.map((e) => e.customer.accountId).filter((a): a is string => !!a)),
    ];
    if (accountIds.length === 0) return out;
    if (action.to === 'account-owner') {
      const rows = await em.query<{ id: string; owner_email: string }[]>(
        'SELECT id, owner_email FROM accounts WHERE id = ANY($1::bigint[])',
        [accountIds],
      );
      const owner = new Map(rows.map((r) => [String(r.id), r.owner_email]));
      for (const e of entries) {
        const address = e.customer.accountId ? owner.get(e.customer.accountId) : undefined;
        if (address) out.set(e.customer.id, [{ customerId: e.customer.id, address }]);
      }
      return out;
    }
    const rows = await em.query<{ id: string; account_id: string }[]>(
      `SELECT id, account_id FROM customers
        WHERE account_id = ANY($1::bigint[]) AND erased_at IS NULL AND email IS NOT NULL
        ORDER BY id`,
      [accountIds],
    );
    const byAccount = new Map<string, string[]>();
    for (const r of rows) {
      const list = byAccount.get(String(r.account_id)) ?? [];
      list.push(String(r.id));
      byAccount.set(String(r.account_id), list);
    }
    for (const e of entries) {
      const stakeholders = e.customer.accountId ? byAccount.get(e.customer.accountId) : undefined;
      if (stakeholders)
        out.set(
          e.customer.id,
          stakeholders.map((id) => ({ customerId: id, suffix: `to.${id}` })),
        );
    }
    return out;
  }
}

interface Recipient {
  customerId: string;
  /** An explicit address (the account owner); otherwise the customer's own. */
  address?: string;
  /** Added to the entry's dedupe key when one entry sends several messages. */
  suffix?: string;
}

/** What the trigger gives every template: the event and the order it is about. */
export function triggerContext(entry: Entry): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  if (entry.event) {
    context.event = {
      id: entry.event.id,
      type: entry.event.type,
      occurredAt: entry.event.occurredAt,
      properties: entry.event.properties,
    };
  }
  if (entry.order) {
    const o = entry.order;
    context.order = {
      id: o.externalId,
      total: o.total,
      currency: o.currency,
      placedAt: o.placedAt,
      deliveredAt: o.deliveredAt,
      couponCode: o.couponCode,
      items: o.items,
    };
  }
  return context;
}
