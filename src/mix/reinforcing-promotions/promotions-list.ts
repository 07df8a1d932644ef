import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { Cursor, encodeCursor } from '../../common/pagination/cursor';

export interface PromotionsQuery {
  /** The customer's external id. */
  customerId?: string;
  code?: string;
  ruleId?: string;
  cursor?: Cursor;
  limit: number;
}

interface PromotionRow {
  id: string;
  code: string;
  customer_external_id: string;
  rule_id: string | null;
  discount_percent: string;
  expires_at: Date;
  redeemed_at: Date | null;
  redeemed_order_external_id: string | null;
  message_id: string | null;
  created_at: Date;
  cursor_at: string;
  redemptions: {
    at: string;
    status: 'redeemed' | 'invalid';
    reason: string | null;
    orderId: string | null;
    eventId: string;
    revenue: number | null;
  }[];
}

/** Personal codes with their redemption state and every attempt to use them, newest first. */
@Injectable()
export class PromotionsList {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async list(query: PromotionsQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      let text = sql;
      for (const value of values) {
        params.push(value);
        text = text.replace('?', `$${params.length}`);
      }
      where.push(text);
    };
    if (query.customerId !== undefined) add('c.external_id = ?', query.customerId);
    if (query.code !== undefined) add('p.code = ?', query.code);
    if (query.ruleId !== undefined) add('p.rule_id = ?', query.ruleId);
    if (query.cursor) {
      add('(p.created_at, p.id) < (?::timestamptz, ?::uuid)', query.cursor.at, query.cursor.id);
    }
    params.push(query.limit + 1);
    const rows = await this.db.query<PromotionRow[]>(
      `SELECT p.id, p.code, c.external_id AS customer_external_id, p.rule_id, p.discount_percent,
              p.expires_at, p.redeemed_at, ro.external_id AS redeemed_order_external_id,
              m.id AS message_id, p.created_at,
              to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
              COALESCE((
                SELECT json_agg(json_build_object(
                         'at', r.at, 'status', r.status, 'reason', r.reason,
                         'orderId', o.external_id, 'eventId', r.event_id,
                         'revenue', r.revenue::float8) ORDER BY r.at, r.id)
                  FROM promotion_redemptions r LEFT JOIN orders o ON o.id = r.order_id
                 WHERE r.promotion_id = p.id), '[]') AS redemptions
         FROM promotions p
         JOIN customers c ON c.id = p.customer_id
         LEFT JOIN orders ro ON ro.id = p.redeemed_order_id
         LEFT JOIN messages m ON m.dedupe_key = p.dedupe_key
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT $${params.length}`,
      params,
    );
    const now = this.clock.now();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((p) => ({
        code: p.code,
        customerId: p.customer_external_id,
        ruleId: p.rule_id,
        messageId: p.message_id,
        discountPercent: Number(p.discount_percent),
        expiresAt: p.expires_at,
        status: p.redeemed_at ? 'redeemed' : p.expires_at < now ? 'expired' : 'active',
        redeemedAt: p.redeemed_at,
        redeemedOrderId: p.redeemed_order_external_id,
        createdAt: p.created_at,
        redemptions: p.redemptions,
      })),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor({ at: last.cursor_at, id: last.id })
          : null,
    };
  }
}
