import type { DataSource } from 'typeorm';
import { signToken } from '../common/auth/link-tokens';
import { DemoApi } from './demo-api';

/**
 * What people do with the messages, so every module shows its whole flow: customers answer
 * check-ins (some with a problem), support resolves some cases, sales reps complete tasks,
 * customers redeem some promotion codes. Deterministic: who reacts is decided by the ids.
 */
export class DemoReactions {
  constructor(
    private readonly db: DataSource,
    private readonly api: DemoApi,
    private readonly baseUrl: string,
    private readonly tokenSecret: string,
  ) {}

  /** Check-ins whose email went out: about one in six reports a problem, most say all good. */
  async answerCheckIns() {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT k.id FROM check_ins k JOIN messages m ON m.dedupe_key = k.dedupe_key
        WHERE m.status = 'sent' AND k.answer IS NULL ORDER BY k.id`,
    );
    let answered = 0;
    await DemoApi.pool(rows, 8, async ({ id }) => {
      const pick = bucket(id);
      if (pick >= 70) return; // not everyone answers
      const problem = pick < 12;
      const res = await fetch(`${this.baseUrl}/c/${signToken(this.tokenSecret, 'check-in', id)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(
          problem
            ? { answer: 'problem', comment: 'It stopped working after two days.' }
            : { answer: 'good' },
        ),
      });
      if (res.ok) answered += 1;
    });
    return answered;
  }

  /** Support works half of the open cases. */
  async resolveCases() {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id FROM cases WHERE status = 'open' ORDER BY id`,
    );
    const chosen = rows.filter((r) => bucket(r.id) < 50);
    await DemoApi.pool(chosen, 4, ({ id }) =>
      this.api.call('POST', `/v1/cases/${id}/resolve`, {
        resolution: 'Sent a replacement; the customer confirmed it works.',
      }),
    );
    return chosen.length;
  }

  /** Sales reps complete most of their value reviews. */
  async completeTasks() {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id FROM tasks WHERE status = 'open' ORDER BY id`,
    );
    const chosen = rows.filter((r) => bucket(r.id) < 70);
    await DemoApi.pool(chosen, 4, ({ id }) =>
      this.api.call('POST', `/v1/tasks/${id}/complete`, {
        outcome: 'completed',
        notes: 'Reviewed usage and renewal plans with the team.',
        valueDelivered: 'Order processing time down from 3 days to 1 since the last review.',
      }),
    );
    return chosen.length;
  }

  /** About a third of the customers who got a code use it (one tries it twice). */
  async redeemPromotions() {
    const rows = await this.db.query<{ code: string; customer: string }[]>(
      `SELECT p.code, c.external_id AS customer FROM promotions p
         JOIN customers c ON c.id = p.customer_id
         JOIN messages m ON m.dedupe_key = p.dedupe_key
        WHERE m.status = 'sent' AND p.redeemed_at IS NULL ORDER BY p.code`,
    );
    const chosen = rows.filter((r) => bucket(r.code) < 35);
    const events = chosen.map((r, i) => ({
      id: `DEMO-R-${r.code}.placed`,
      type: 'order.placed',
      customerId: r.customer,
      occurredAt: new Date().toISOString(),
      properties: {
        orderId: `DEMO-R-${r.code}`,
        items: [{ sku: i % 2 ? 'ESPRESSO-MINI' : 'HEADPHONES-NC', quantity: 1, unitPrice: 279 }],
        total: 279,
        currency: 'USD',
        couponCode: r.code,
      },
    }));
    if (chosen.length > 0) {
      // The same code once more, on a new order: recorded as an invalid redemption.
      const again = chosen[0];
      events.push({
        ...events[0],
        id: `DEMO-R2-${again.code}.placed`,
        properties: { ...events[0].properties, orderId: `DEMO-R2-${again.code}` },
      });
    }
    for (let i = 0; i < events.length; i += 500) {
      await this.api.call('POST', '/v1/events/batch', { events: events.slice(i, i + 500) });
    }
    return chosen.length;
  }
}

/**
 * Customers order on their own too, offer or not: one in eight of those a promotion rule
 * treated or held out places an order without a code. Without this baseline there is no
 * lift to measure — the held-out group would never convert.
 */
export async function organicOrders(db: DataSource, api: DemoApi) {
  const rows = await db.query<{ customer: string; message: string }[]>(
    `SELECT c.external_id AS customer, m.id AS message FROM messages m
       JOIN customers c ON c.id = m.customer_id
      WHERE m.module = 'reinforcing-promotions'
        -- Held out: only once the message would have gone, as the goal window starts then.
        AND (m.status = 'sent' OR (m.status = 'held_out' AND m.send_at <= now()))
        AND NOT EXISTS (SELECT 1 FROM conversions v WHERE v.entry_id = m.id)
      ORDER BY m.id`,
  );
  const events = rows
    .filter((r) => bucket(r.message) < 12)
    .map((r) => ({
      id: `DEMO-N-${r.message}.placed`,
      type: 'order.placed',
      customerId: r.customer,
      occurredAt: new Date().toISOString(),
      properties: {
        orderId: `DEMO-N-${r.message}`,
        items: [{ sku: 'GRINDER', quantity: 1, unitPrice: 199 }],
        total: 199,
        currency: 'USD',
      },
    }));
  for (let i = 0; i < events.length; i += 500) {
    await api.call('POST', '/v1/events/batch', { events: events.slice(i, i + 500) });
  }
  return events.length;
}

/** A stable number in [0, 100) from an id: who reacts does not change between runs. */
function bucket(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % 100;
}
