import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ActiveRule, EntryCustomer, EntryEvent } from '../engine/entry';

/**
 * A rule's goal event arrived for a customer. Two things follow, in the evaluate transaction:
 *
 * - Attribution (last touch): the conversion goes to the customer's latest entry into the
 *   rule whose reference time is at or before the event and whose goal window (`within`)
 *   still covers it. The reference time is when the message was sent for treated customers,
 *   when it would have been sent (`send_at` of the `held_out` row) for held-out ones, and
 *   when the task was created for task rules — so both groups are measured over the same
 *   window. One conversion per entry; revenue is the order total when the goal is
 *   `order.placed`.
 * - Exit: with `exitOnGoal`, the rule's messages still scheduled for the customer are
 *   cancelled (`goal_met`) — they were about something the customer has now done.
 */
/** A goal event of one customer, and the active rules whose goal it may be. */
export interface GoalArrival {
  rules: ActiveRule[];
  event: EntryEvent;
  customer: EntryCustomer;
}

/** What the arrivals did, per event id: conversions made and pending messages cancelled. */
export type GoalOutcome = Map<string, { converted: number; cancelled: string[] }>;

@Injectable()
export class GoalTracker {
  /**
   * Every (rule, goal event) pair of the arrivals in one statement. The arrivals must be of
   * different customers (one evaluation wave): an exit is matched back to its event by the
   * (rule, customer) it cancelled for.
   */
  async onEvents(em: EntityManager, arrivals: GoalArrival[]): Promise<GoalOutcome> {
    const outcome: GoalOutcome = new Map();
    const pairs = arrivals.flatMap(({ rules, event, customer }) => {
      outcome.set(event.id, { converted: 0, cancelled: [] });
      return rules
        .filter((rule) => rule.definition.goal?.event === event.type)
        .map((rule) => ({ rule, goal: rule.definition.goal!, event, customer }));
    });
    if (pairs.length === 0) return outcome;
    const revenue = pairs.map((p) => revenueOf(p.event));
    // Conversion and exit in one statement for every pair: one round trip per wave.
    const rows = await em.query<
      { kind: 'converted' | 'cancelled'; id: string; event_id: string | null; key: string }[]
    >(
      `WITH goal AS (
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::interval[],
                              $5::text[], $6::numeric[], $7::text[], $8::boolean[])
           AS g(rule_id, customer_id, at, within, event_id, revenue, currency, exit_on_goal)),
       candidate AS (
         SELECT g.*, c.id AS entry_id, c.grp FROM goal g
         CROSS JOIN LATERAL (
           SELECT id, 'treated' AS grp, sent_at AS ref FROM messages
            WHERE rule_id = g.rule_id AND customer_id = g.customer_id AND status = 'sent'
              AND sent_at <= g.at AND g.at <= sent_at + g.within
           UNION ALL
           SELECT id, 'holdout', send_at FROM messages
            WHERE rule_id = g.rule_id AND customer_id = g.customer_id AND status = 'held_out'
              AND send_at <= g.at AND g.at <= send_at + g.within
           UNION ALL
           SELECT id, CASE WHEN status = 'held_out' THEN 'holdout' ELSE 'treated' END, created_at FROM tasks
            WHERE rule_id = g.rule_id AND customer_id = g.customer_id
              AND created_at <= g.at AND g.at <= created_at + g.within
           ORDER BY ref DESC LIMIT 1) c),
       converted AS (
         INSERT INTO conversions (id, rule_id, customer_id, "group", entry_id, event_id, converted_at, revenue, currency)
         SELECT gen_random_uuid(), x.rule_id, x.customer_id, x.grp, x.entry_id, x.event_id, x.at, x.revenue, x.currency
           FROM candidate x
          -- One goal event converts once per rule (a redeemed code may have counted it already).
          WHERE NOT EXISTS (SELECT 1 FROM conversions WHERE rule_id = x.rule_id AND event_id = x.event_id)
         ON CONFLICT (entry_id) DO NOTHING RETURNING id, event_id),
       -- Found per pair through the (rule, customer) index. OFFSET 0 keeps the subquery a
       -- subquery: flattened into a join, the planner read every scheduled message of
       -- every rule and sorted them (tens of ms per wave at 50k scheduled).
       exited AS (
         UPDATE messages SET status = 'cancelled', reason = 'goal_met', updated_at = now()
          WHERE id IN (
            SELECT m.id FROM goal g
            CROSS JOIN LATERAL (
              SELECT id FROM messages
               WHERE rule_id = g.rule_id AND customer_id = g.customer_id AND status = 'scheduled'
              OFFSET 0) m
             WHERE g.exit_on_goal)
          RETURNING id, customer_id),
       history AS (
         INSERT INTO message_status_changes (message_id, status, reason)
         SELECT id, 'cancelled', 'goal_met' FROM exited)
       SELECT 'converted' AS kind, id, event_id, '' AS key FROM converted
       UNION ALL SELECT 'cancelled', id, NULL, customer_id::text FROM exited`,
      [
        pairs.map((p) => p.rule.id),
        pairs.map((p) => p.customer.id),
        pairs.map((p) => p.event.occurredAt),
        pairs.map((p) => p.goal.within),
        pairs.map((p) => p.event.id),
        revenue.map((r) => r?.amount ?? null),
        revenue.map((r) => r?.currency ?? null),
        pairs.map((p) => p.goal.exitOnGoal),
      ],
    );
    const eventOf = new Map(arrivals.map((a) => [a.customer.id, a.event.id]));
    for (const row of rows) {
      const eventId = row.kind === 'converted' ? row.event_id : eventOf.get(row.key);
      const counts = eventId ? outcome.get(eventId) : undefined;
      if (!counts) continue;
      if (row.kind === 'converted') counts.converted += 1;
      else counts.cancelled.push(row.id);
    }
    return outcome;
  }
}

/** The revenue a goal event brings: an order's total. */
export function revenueOf(event: EntryEvent): { amount: number; currency: string | null } | null {
  if (event.type !== 'order.placed') return null;
  const total = Number(event.properties.total);
  if (!Number.isFinite(total)) return null;
  const currency = event.properties.currency;
  return { amount: total, currency: typeof currency === 'string' ? currency : null };
}
