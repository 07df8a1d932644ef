/**
 * The fields a condition may name. A whitelist, because the SQL compiler writes these
 * expressions into queries verbatim: anything not listed here never reaches SQL text.
 * Customer and account fields read aliases `c` (customers) and `a` (accounts, LEFT JOINed on
 * `a.id = c.account_id`, so every `a.*` may be NULL).
 */

export const SOURCES = ['customer', 'account', 'event', 'order'] as const;
export type Source = (typeof SOURCES)[number];

export type FieldType = 'string' | 'number' | 'boolean' | 'date' | 'string[]';

/** A field with a fixed type. `sql` is absent for fields that only exist in memory. */
export interface TypedField {
  kind: 'typed';
  name: string;
  type: FieldType;
  source: Source;
  sql?: string;
}

/**
 * A key of a JSON object (`customer.attributes.plan`): any JSON type. `column` is the jsonb
 * column for SQL; the key itself is always bound as a parameter, never written into SQL.
 */
export interface JsonField {
  kind: 'json';
  name: string;
  source: Source;
  /** Where the object sits in the facts, e.g. `attributes` of the customer. */
  object: string;
  key: string;
  column?: string;
}

export type FieldDef = TypedField | JsonField;

const typed = (
  name: string,
  type: FieldType,
  source: Source,
  sql?: string,
): [string, TypedField] => [name, { kind: 'typed', name, type, source, sql }];

const FIELDS: ReadonlyMap<string, TypedField> = new Map([
  typed('customer.id', 'string', 'customer', 'c.external_id'),
  typed('customer.email', 'string', 'customer', 'c.email'),
  typed('customer.firstName', 'string', 'customer', 'c.first_name'),
  typed('customer.lastName', 'string', 'customer', 'c.last_name'),
  typed('customer.locale', 'string', 'customer', 'c.locale'),
  typed('customer.timezone', 'string', 'customer', 'c.timezone'),
  typed('customer.marketingConsent', 'boolean', 'customer', 'c.marketing_consent'),
  typed('customer.ordersCount', 'number', 'customer', 'c.orders_count'),
  typed('customer.totalSpent', 'number', 'customer', 'c.total_spent'),
  typed('customer.firstOrderAt', 'date', 'customer', 'c.first_order_at'),
  typed('customer.lastOrderAt', 'date', 'customer', 'c.last_order_at'),
  typed('customer.createdAt', 'date', 'customer', 'c.created_at'),
  typed('customer.valueTier', 'string', 'customer', 'c.value_tier'),
  typed('customer.rfmSegment', 'string', 'customer', 'c.rfm_segment'),
  typed('customer.clv', 'number', 'customer', 'c.clv'),
  // The account's external id, which is what API clients know, not our bigint key.
  typed('customer.accountId', 'string', 'customer', 'a.external_id'),

  typed('account.id', 'string', 'account', 'a.external_id'),
  typed('account.name', 'string', 'account', 'a.name'),
  typed('account.ownerEmail', 'string', 'account', 'a.owner_email'),
  typed('account.ownerName', 'string', 'account', 'a.owner_name'),
  typed('account.createdAt', 'date', 'account', 'a.created_at'),

  typed('event.type', 'string', 'event'),
  typed('event.occurredAt', 'date', 'event'),

  typed('order.id', 'string', 'order'),
  typed('order.total', 'number', 'order'),
  typed('order.currency', 'string', 'order'),
  typed('order.couponCode', 'string', 'order'),
  typed('order.placedAt', 'date', 'order'),
  typed('order.deliveredAt', 'date', 'order'),
  typed('order.items.sku', 'string[]', 'order'),
]);

/** The JSON objects whose keys are fields: prefix → where they live. */
const JSON_OBJECTS: readonly { prefix: string; source: Source; object: string; column?: string }[] =
  [
    {
      prefix: 'customer.attributes.',
      source: 'customer',
      object: 'attributes',
      column: 'c.attributes',
    },
    {
      prefix: 'account.attributes.',
      source: 'account',
      object: 'attributes',
      column: 'a.attributes',
    },
    { prefix: 'event.properties.', source: 'event', object: 'properties' },
  ];

export const JSON_KEY = /^[A-Za-z0-9_-]{1,64}$/;

export type FieldLookup = { ok: true; field: FieldDef } | { ok: false; message: string };

/** The catalogue entry for `name`, or a message saying why there is none. */
export function lookupField(name: string): FieldLookup {
  const field = FIELDS.get(name);
  if (field) return { ok: true, field };
  for (const { prefix, source, object, column } of JSON_OBJECTS) {
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    if (!JSON_KEY.test(key))
      return {
        ok: false,
        message: `unknown field \`${name}\`: the name after \`${prefix}\` must be 1 to 64 letters, digits, \`_\` or \`-\``,
      };
    return { ok: true, field: { kind: 'json', name, source, object, key, column } };
  }
  return { ok: false, message: `unknown field \`${name}\`` };
}

/** Every fixed field name, for documentation and error hints. */
export const FIELD_NAMES: readonly string[] = [...FIELDS.keys()];
