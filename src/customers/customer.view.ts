/** The JSON shape of a customer as the API returns it. */
export interface CustomerRow {
  external_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  locale: string | null;
  timezone: string | null;
  marketing_consent: boolean;
  account_external_id: string | null;
  attributes: Record<string, unknown>;
  orders_count: number;
  total_spent: string;
  first_order_at: Date | null;
  last_order_at: Date | null;
  erased_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const CUSTOMER_SELECT = `
  SELECT c.external_id, c.email, c.first_name, c.last_name, c.locale, c.timezone,
         c.marketing_consent, a.external_id AS account_external_id, c.attributes,
         c.orders_count, c.total_spent, c.first_order_at, c.last_order_at, c.erased_at,
         c.created_at, c.updated_at
    FROM customers c LEFT JOIN accounts a ON a.id = c.account_id`;

export function customerView(row: CustomerRow) {
  return {
    id: row.external_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    locale: row.locale,
    timezone: row.timezone,
    marketingConsent: row.marketing_consent,
    accountId: row.account_external_id,
    attributes: row.attributes,
    ordersCount: row.orders_count,
    totalSpent: Number(row.total_spent),
    firstOrderAt: row.first_order_at,
    lastOrderAt: row.last_order_at,
    // Value tiers are computed by the analytics module; null until it has run.
    valueTier: null as string | null,
    erased: row.erased_at !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
