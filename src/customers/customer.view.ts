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
  value_tier: string | null;
  rfm_segment: string | null;
  clv: string | null;
  gross_margin: string | null;
  cost_to_serve: string | null;
  rfm_recency: number | null;
  rfm_frequency: number | null;
  rfm_monetary: number | null;
  value_computed_at: Date | null;
  erased_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const CUSTOMER_SELECT = `
  SELECT c.external_id, c.email, c.first_name, c.last_name, c.locale, c.timezone,
         c.marketing_consent, a.external_id AS account_external_id, c.attributes,
         c.orders_count, c.total_spent, c.first_order_at, c.last_order_at, c.value_tier, c.rfm_segment, c.clv, c.erased_at,
         c.gross_margin, c.cost_to_serve, c.rfm_recency, c.rfm_frequency, c.rfm_monetary, c.value_computed_at,
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
    // Computed by the analytics module (src/analytics/value, README "Customer value");
    // null until it has run for this customer. Revenue is totalSpent under its value name.
    revenue: Number(row.total_spent),
    grossMargin: row.gross_margin === null ? null : Number(row.gross_margin),
    costToServe: row.cost_to_serve === null ? null : Number(row.cost_to_serve),
    valueTier: row.value_tier,
    rfmSegment: row.rfm_segment,
    rfm:
      row.rfm_recency === null
        ? null
        : { recency: row.rfm_recency, frequency: row.rfm_frequency, monetary: row.rfm_monetary },
    clv: row.clv === null ? null : Number(row.clv),
    valueComputedAt: row.value_computed_at,
    erased: row.erased_at !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
