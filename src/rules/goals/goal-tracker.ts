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
@Injectable()
export class GoalTracker {
  async onEvent(
    em: EntityManager,
    rules: ActiveRule[],
    event: EntryEvent,
    customer: EntryCustomer,
  ): Promise<{ converted: number; cancelled: string[] }> {
    let converted = 0;
    const cancelled: string[] = [];
    for (const rule of rules) {
      const goal = rule.definition.goal;
      if (!goal || goal.event !== event.type) continue;
      const revenue = revenueOf(event);
      // Conversion and exit in one statement: one round trip per goal rule.
      const rows = await em.query<{ kind: 'converted' | 'cancelled'; id: string }[]>(
        `WITH candidate AS (
           SELECT id, 'treated' AS grp, sent_at AS ref FROM messages
            WHERE rule_id = $1 AND customer_id = $2 AND status = 'sent'
              AND sent_at <= $3 AND $3 <= sent_at + $4::interval
           UNION ALL
           SELECT id, 'holdout', send_at FROM messages
            WHERE rule_id = $1 AND customer_id = $2 AND status = 'held_out'
              AND send_at <= $3 AND $3 <= send_at + $4::interval
           UNION ALL
           SELECT id, CASE WHEN status = 'held_out' THEN 'holdout' ELSE 'treated' END, created_at FROM tasks
            WHERE rule_id = $1 AND customer_id = $2 AND created_at <= $3 AND $3 <= created_at + $4::interval
           ORDER BY ref DESC LIMIT 1),
         converted AS (
           INSERT INTO conversions (id, rule_id, customer_id, "group", entry_id, event_id, converted_at, revenue, currency)
           SELECT gen_random_uuid(), $1, $2, grp, id, $5, $3, $6, $7 FROM candidate
            -- One goal event converts once per rule (a redeemed code may have counted it already).
            WHERE NOT EXISTS (SELECT 1 FROM conversions WHERE rule_id = $1 AND event_id = $5)
           ON CONFLICT (entry_id) DO NOTHING RETURNING id),
         exited AS (
           UPDATE messages SET status = 'cancelled', reason = 'goal_met', updated_at = now()
            WHERE $8::boolean AND rule_id = $1 AND customer_id = $2 AND status = 'scheduled'
            RETURNING id),
         history AS (
           INSERT INTO message_status_changes (message_id, status, reason)
           SELECT id, 'cancelled', 'goal_met' FROM exited)
         SELECT 'converted' AS kind, id FROM converted
         UNION ALL SELECT 'cancelled', id FROM exited`,
        [
          rule.id,
          customer.id,
          event.occurredAt,
          goal.within,
          event.id,
          revenue?.amount ?? null,
          revenue?.currency ?? null,
          goal.exitOnGoal,
        ],
      );
      converted += rows.filter((r) => r.kind === 'converted').length;
      cancelled.push(...rows.filter((r) => r.kind === 'cancelled').map((r) => r.id));
    }
    return { converted, cancelled };
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
