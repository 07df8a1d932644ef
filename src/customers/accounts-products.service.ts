import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notFound } from '../common/problem/problem';
import { withTransaction } from '../database/transaction';
import { AccountInput, ProductInput } from './customer.schemas';

/** Reference data the shop keeps in sync: B2B accounts and the product catalogue. */
@Injectable()
export class AccountsProductsService {
  constructor(private readonly db: DataSource) {}

  async putAccount(externalId: string, input: AccountInput) {
    const [row] = await this.db.query<{ created: boolean }[]>(
      `INSERT INTO accounts (external_id, name, owner_email, owner_name, attributes)
       VALUES ($1, $2, $3, $4, COALESCE($5::jsonb, '{}'))
       ON CONFLICT (external_id) DO UPDATE SET
         name = EXCLUDED.name, owner_email = EXCLUDED.owner_email,
         owner_name = CASE WHEN $6 THEN EXCLUDED.owner_name ELSE accounts.owner_name END,
         attributes = CASE WHEN $5::jsonb IS NULL THEN accounts.attributes ELSE EXCLUDED.attributes END,
         updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [
        externalId,
        input.name,
        input.ownerEmail,
        input.ownerName ?? null,
        input.attributes === undefined ? null : JSON.stringify(input.attributes),
        input.ownerName !== undefined,
      ],
    );
    return { created: row.created, account: await this.getAccount(externalId) };
  }

  async getAccount(externalId: string) {
    const [row] = await this.db.query<
      {
        external_id: string;
        name: string;
        owner_email: string;
        owner_name: string | null;
        attributes: Record<string, unknown>;
        stakeholders: string[];
        created_at: Date;
        updated_at: Date;
      }[]
    >(
      `SELECT a.external_id, a.name, a.owner_email, a.owner_name, a.attributes, a.created_at, a.updated_at,
              COALESCE(array_agg(c.external_id ORDER BY c.external_id) FILTER (WHERE c.id IS NOT NULL), '{}') AS stakeholders
         FROM accounts a LEFT JOIN customers c ON c.account_id = a.id AND c.erased_at IS NULL
        WHERE a.external_id = $1 GROUP BY a.id`,
      [externalId],
    );
    if (!row) throw notFound(`account ${externalId}`);
    return {
      id: row.external_id,
      name: row.name,
      ownerEmail: row.owner_email,
      ownerName: row.owner_name,
      attributes: row.attributes,
      stakeholders: row.stakeholders,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** Upserts a product; when `extras` is given it replaces the product's extras. */
  async putProduct(sku: string, input: ProductInput) {
    const created = await withTransaction(this.db, async (em) => {
      const [row] = await em.query<{ id: string; created: boolean }[]>(
        `INSERT INTO products (sku, name, price, currency, category, url, margin, attributes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8::jsonb, '{}'))
         ON CONFLICT (sku) DO UPDATE SET
           name = EXCLUDED.name, price = EXCLUDED.price, currency = EXCLUDED.currency,
           category = CASE WHEN $9 THEN EXCLUDED.category ELSE products.category END,
           url = CASE WHEN $10 THEN EXCLUDED.url ELSE products.url END,
           margin = CASE WHEN $11 THEN EXCLUDED.margin ELSE products.margin END,
           attributes = CASE WHEN $8::jsonb IS NULL THEN products.attributes ELSE EXCLUDED.attributes END,
           updated_at = now()
         RETURNING id, (xmax = 0) AS created`,
        [
          sku,
          input.name,
          input.price,
          input.currency,
          input.category ?? null,
          input.url ?? null,
          input.margin ?? null,
          input.attributes === undefined ? null : JSON.stringify(input.attributes),
          input.category !== undefined,
          input.url !== undefined,
          input.margin !== undefined,
        ],
      );
      if (input.extras) {
        await em.query('DELETE FROM product_extras WHERE product_id = $1', [row.id]);
        if (input.extras.length > 0) {
          await em.query(
            `INSERT INTO product_extras (product_id, extra_sku, kind, position)
             SELECT $1, sku, kind, ord FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(sku, kind, ord)`,
            [row.id, input.extras.map((e) => e.sku), input.extras.map((e) => e.kind)],
          );
        }
      }
      return row.created;
    });
    return { created, product: await this.getProduct(sku) };
  }

  async getProduct(sku: string) {
    const [row] = await this.db.query<
      {
        sku: string;
        name: string;
        price: string;
        currency: string;
        category: string | null;
        url: string | null;
        margin: string | null;
        attributes: Record<string, unknown>;
        extras: { sku: string; kind: string }[];
        created_at: Date;
        updated_at: Date;
      }[]
    >(
      `SELECT p.sku, p.name, p.price, p.currency, p.category, p.url, p.margin, p.attributes, p.created_at, p.updated_at,
              COALESCE(json_agg(json_build_object('sku', e.extra_sku, 'kind', e.kind) ORDER BY e.position)
                       FILTER (WHERE e.extra_sku IS NOT NULL), '[]') AS extras
         FROM products p LEFT JOIN product_extras e ON e.product_id = p.id
        WHERE p.sku = $1 GROUP BY p.id`,
      [sku],
    );
    if (!row) throw notFound(`product ${sku}`);
    return {
      sku: row.sku,
      name: row.name,
      price: Number(row.price),
      currency: row.currency,
      category: row.category,
      url: row.url,
      margin: row.margin === null ? null : Number(row.margin),
      attributes: row.attributes,
      extras: row.extras,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
