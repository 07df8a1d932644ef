/**
 * Database rows as condition facts, so the engine (in memory) and the audience query (SQL) see
 * a customer the same way. Values are passed on as pg returns them — numeric as "12.50",
 * timestamptz as Date — because the evaluator reads those forms (see ConditionFacts).
 */

/** A `customers` row as `SELECT c.*` returns it, with the account's external id joined in. */
export interface CustomerRow {
  external_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  locale: string | null;
  timezone: string | null;
  marketing_consent: boolean;
  orders_count: number;
  total_spent: string | number;
  first_order_at: Date | string | null;
  last_order_at: Date | string | null;
  created_at: Date | string;
  /** Columns of the value-tier analysis; absent on a database that predates them. */
  value_tier?: string | null;
  rfm_segment?: string | null;
  clv?: string | number | null;
  attributes: Record<string, unknown> | null;
  /** `a.external_id AS account_external_id` of the LEFT JOINed account. */
  account_external_id: string | null;
}

/** An `accounts` row as `SELECT a.*` returns it. */
export interface AccountRow {
  external_id: string;
  name: string;
  owner_email: string;
  owner_name: string | null;
  created_at: Date | string;
  attributes: Record<string, unknown> | null;
}

/** The SELECT list that yields a CustomerRow from `customers c LEFT JOIN accounts a`. */
export const CUSTOMER_ROW_COLUMNS = 'c.*, a.external_id AS account_external_id';

export function customerFacts(row: CustomerRow): Record<string, unknown> {
  return {
    id: row.external_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    locale: row.locale,
    timezone: row.timezone,
    marketingConsent: row.marketing_consent,
    ordersCount: row.orders_count,
    totalSpent: row.total_spent,
    firstOrderAt: row.first_order_at,
    lastOrderAt: row.last_order_at,
    createdAt: row.created_at,
    valueTier: row.value_tier ?? null,
    rfmSegment: row.rfm_segment ?? null,
    clv: row.clv ?? null,
    accountId: row.account_external_id,
    attributes: row.attributes ?? {},
  };
}

export function accountFacts(row: AccountRow): Record<string, unknown> {
  return {
    id: row.external_id,
    name: row.name,
    ownerEmail: row.owner_email,
    ownerName: row.owner_name,
    createdAt: row.created_at,
    attributes: row.attributes ?? {},
  };
}
