import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EntryCustomer, EntryEvent, EntryOrder } from '../../rules/engine/entry';
import { normalizeCode } from './promotion-code';
import { RedemptionDecision, redemptionDecision } from './redemption-decision';

export interface RedemptionOutcome {
  code: string;
  decision: RedemptionDecision;
  /** False when this event was handled before (a re-run job): nothing was changed. */
  recorded: boolean;
}

const numberOrNull = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * Handles the coupon code of an `order.placed`, in the evaluate transaction: records the
 * attempt (one per event: a re-run job changes nothing), and when it redeems the customer's
 * promotion marks it used and counts the order as a conversion of the rule that sent the
 * code, attributed to that message, with the order's total as revenue. Returns null when
 * the event carries no code.
 */
export async function redeemCoupon(
  em: EntityManager,
  event: EntryEvent,
  customer: EntryCustomer,
  order: EntryOrder | null,
): Promise<RedemptionOutcome | null> {
  const raw = event.properties.couponCode;
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const code = normalizeCode(raw);

  // FOR UPDATE: two orders with the same code, evaluated at once, redeem it once.
  const [promotion] = await em.query<
    {
      id: string;
      dedupe_key: string;
      rule_id: string | null;
      customer_id: string;
      expires_at: Date;
      redeemed_at: Date | null;
    }[]
  >(
    `SELECT id, dedupe_key, rule_id, customer_id::text AS customer_id, expires_at, redeemed_at
       FROM promotions WHERE code = $1 FOR UPDATE`,
    [code],
  );
  const decision = redemptionDecision(
    promotion
      ? {
          customerId: promotion.customer_id,
          expiresAt: promotion.expires_at,
          redeemedAt: promotion.redeemed_at,
        }
      : null,
    customer.id,
    event.occurredAt,
  );
  const revenue = numberOrNull(event.properties.total) ?? order?.total ?? null;
  const currency =
    (typeof event.properties.currency === 'string' ? event.properties.currency : null) ??
    order?.currency ??
    null;

  const inserted = await em.query<{ id: string }[]>(
    `INSERT INTO promotion_redemptions
       (id, event_id, promotion_id, code, customer_id, order_id, status, reason, revenue)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (event_id) DO NOTHING
     RETURNING id`,
    [
      randomUUID(),
      event.id,
      promotion?.id ?? null,
      code,
      customer.id,
      order?.id ?? null,
      decision.status,
      decision.status === 'invalid' ? decision.reason : null,
      revenue,
    ],
  );
  if (inserted.length === 0) return { code, decision, recorded: false };
  if (decision.status !== 'redeemed' || !promotion) return { code, decision, recorded: true };

  await em.query('UPDATE promotions SET redeemed_at = $2, redeemed_order_id = $3 WHERE id = $1', [
    promotion.id,
    event.occurredAt,
    order?.id ?? null,
  ]);
  if (promotion.rule_id !== null) {
    // The entry is the message that carried the code. The rule's goal tracking may count the
    // same order for the same entry: one conversion per entry, whoever writes it first.
    await em.query(
      `INSERT INTO conversions (id, rule_id, customer_id, "group", entry_id, event_id, converted_at,
                                revenue, currency)
       SELECT $1, $2, $3, 'treated', m.id, $4, $5, $6, $7
         FROM messages m WHERE m.dedupe_key = $8
       ON CONFLICT (entry_id) DO NOTHING`,
      [
        randomUUID(),
        promotion.rule_id,
        customer.id,
        event.id,
        event.occurredAt,
        revenue,
        currency,
        promotion.dedupe_key,
      ],
    );
  }
  return { code, decision, recorded: true };
}
