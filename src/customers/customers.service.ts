import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { conflict, notFound, validationProblem } from '../common/problem/problem';
import { withTransaction } from '../database/transaction';
import { upsertCustomers } from './customer-upsert';
import { CustomerProfile } from './customer.schemas';
import { CUSTOMER_SELECT, CustomerRow, customerView } from './customer.view';
import { emailHash } from './email-hash';

@Injectable()
export class CustomersService {
  constructor(private readonly db: DataSource) {}

  /** Returns whether the customer was created (201) or updated (200). */
  async put(externalId: string, profile: CustomerProfile) {
    return withTransaction(this.db, async (em) => {
      const result = (await upsertCustomers(em, [{ externalId, profile }])).get(externalId);
      if (!result) throw new Error('upsert returned nothing');
      if (result.error?.status === 409) throw conflict(result.error.detail);
      if (result.error) throw validationProblem(result.error.errors, result.error.detail);
      const [row] = await em.query<CustomerRow[]>(`${CUSTOMER_SELECT} WHERE c.id = $1`, [
        result.id,
      ]);
      return { created: result.created, customer: customerView(row) };
    });
  }

  async get(externalId: string) {
    const [row] = await this.db.query<CustomerRow[]>(
      `${CUSTOMER_SELECT} WHERE c.external_id = $1`,
      [externalId],
    );
    if (!row) throw notFound(`customer ${externalId}`);
    return customerView(row);
  }

  /**
   * Erases personal data but keeps the row (orders and statistics stay true) and a
   * suppression of the address's hash, so a later import cannot mail them again.
   */
  async erase(externalId: string): Promise<void> {
    await withTransaction(this.db, async (em) => {
      const [row] = await em.query<{ id: string; email: string | null }[]>(
        'SELECT id, email FROM customers WHERE external_id = $1 FOR UPDATE',
        [externalId],
      );
      if (!row) throw notFound(`customer ${externalId}`);
      if (row.email) {
        await em.query(
          `INSERT INTO suppressions (email_hash, reason, scope) VALUES ($1, 'erased', 'all')
           ON CONFLICT (email_hash, reason) DO NOTHING`,
          [emailHash(row.email)],
        );
      }
      await em.query(
        `UPDATE customers SET email = NULL, first_name = NULL, last_name = NULL, attributes = '{}',
                marketing_consent = false, erased_at = COALESCE(erased_at, now()), updated_at = now()
          WHERE id = $1`,
        [row.id],
      );
      // Event properties may hold personal data (notes, comments): keep the facts, drop the text.
      await em.query(`UPDATE events SET properties = '{}' WHERE customer_id = $1`, [row.id]);
      // So may check-in answers, cases and the context of messages about them (case notices
      // quote the comment); the answers and statuses stay for the statistics.
      await em.query(`UPDATE check_ins SET comment = NULL, note = NULL WHERE customer_id = $1`, [
        row.id,
      ]);
      await em.query(`UPDATE cases SET comment = NULL, resolution = NULL WHERE customer_id = $1`, [
        row.id,
      ]);
      await em.query(`UPDATE messages SET context = '{}' WHERE customer_id = $1`, [row.id]);
    });
  }

  async orders(externalId: string) {
    const [customer] = await this.db.query<{ id: string }[]>(
      'SELECT id FROM customers WHERE external_id = $1',
      [externalId],
    );
    if (!customer) throw notFound(`customer ${externalId}`);
    const rows = await this.db.query<
      {
        external_id: string;
        status: string;
        total: string | null;
        currency: string | null;
        coupon_code: string | null;
        placed_at: Date | null;
        delivered_at: Date | null;
        cancelled_at: Date | null;
        returned_at: Date | null;
        items: { sku: string; quantity: number; unitPrice: string }[];
      }[]
    >(
      `SELECT o.external_id, o.status, o.total, o.currency, o.coupon_code, o.placed_at,
              o.delivered_at, o.cancelled_at, o.returned_at,
              COALESCE(json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity,
                       'unitPrice', i.unit_price) ORDER BY i.line) FILTER (WHERE i.sku IS NOT NULL), '[]') AS items
         FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
        WHERE o.customer_id = $1
        GROUP BY o.id ORDER BY o.placed_at DESC NULLS LAST, o.id DESC LIMIT 200`,
      [customer.id],
    );
    return {
      items: rows.map((o) => ({
        id: o.external_id,
        status: o.status,
        total: o.total === null ? null : Number(o.total),
        currency: o.currency,
        couponCode: o.coupon_code,
        placedAt: o.placed_at,
        deliveredAt: o.delivered_at,
        cancelledAt: o.cancelled_at,
        returnedAt: o.returned_at,
        items: o.items.map((i) => ({ ...i, unitPrice: Number(i.unitPrice) })),
      })),
    };
  }
}
