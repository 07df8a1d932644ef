import type { RuleDefinition, RuleModule } from '../rule.schema';

/** An active rule as the engine holds it (cached per event type; read fresh for runs). */
export interface ActiveRule {
  id: string;
  name: string;
  module: RuleModule;
  version: number;
  definition: RuleDefinition;
}

/** The customer an entry is about, as the engine reads it (internal ids are bigint strings). */
export interface EntryCustomer {
  /** Internal id (`customers.id`). */
  id: string;
  externalId: string;
  email: string | null;
  timezone: string | null;
  locale: string | null;
  valueTier: string | null;
  /** Internal account id, when the customer is a stakeholder of a B2B account. */
  accountId: string | null;
}

/** The triggering event, for event rules. */
export interface EntryEvent {
  id: string;
  type: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
}

/** The order the triggering event is about (`properties.orderId`), when there is one. */
export interface EntryOrder {
  /** Internal id (`orders.id`). */
  id: string;
  externalId: string;
  total: number | null;
  currency: string | null;
  couponCode: string | null;
  placedAt: Date | null;
  deliveredAt: Date | null;
  items: { sku: string; name: string; quantity: number; unitPrice: number; url: string | null }[];
}

/**
 * One customer entering one rule at one trigger occurrence, after the gates (conditions,
 * re-entry, value tier) let them in. `group` says whether they are treated or held out.
 */
export interface Entry {
  rule: ActiveRule;
  customer: EntryCustomer;
  /** The event id (event rules) or the run id (schedule and manual rules). */
  occurrence: string;
  /** Unique per (rule, customer, occurrence) — or per (rule, customer) for `once` rules. */
  dedupeKey: string;
  triggerAt: Date;
  /** Trigger time + delay, moved into the send window in the customer's zone. */
  sendAt: Date;
  group: 'treated' | 'holdout';
  runId: string | null;
  event: EntryEvent | null;
  order: EntryOrder | null;
}

/** What a module's preparation made of one treated entry. */
export type Prepared =
  | {
      /** Added to the message's template context (`extras`, `promotion`, `checkIn`, …). */
      context: Record<string, unknown>;
      /** The message is pointless after this (a promotion code's expiry). */
      expiresAt?: Date | null;
    }
  | {
      /** No message: why (`no_eligible_extras`, …); counted in the rule's or run's stats. */
      skip: string;
    };
