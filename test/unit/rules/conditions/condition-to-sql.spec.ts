import { conditionToSql } from '../../../../src/rules/conditions/condition-to-sql';
import { ConditionNode } from '../../../../src/rules/conditions/condition.types';

const NOW = new Date('2026-03-29T01:30:00.000Z');

function compile(node: ConditionNode, params: unknown[] = []) {
  const sql = conditionToSql(node, NOW, params);
  return { sql, params };
}

/*
 * What SQL a tree compiles to is checked against Postgres in the property test
 * (test/e2e/conditions-property.e2e-spec.ts); these check the compiler's contract: values are
 * bound, never written into the text, and numbering continues after the caller's parameters.
 */
describe('conditionToSql', () => {
  it('appends its parameters after the caller’s', () => {
    const { sql, params } = compile(
      {
        all: [
          { field: 'customer.email', op: 'eq', value: 'a@x.test' },
          { field: 'customer.ordersCount', op: 'gt', value: 2 },
        ],
      },
      ['rule-1', 42],
    );
    expect(sql).toBe(
      '(COALESCE(c.email = $3::text, false) AND COALESCE(c.orders_count > $4::numeric, false))',
    );
    expect(params).toEqual(['rule-1', 42, 'a@x.test', '2']);
  });

  it('binds every value and attribute name, so hostile text never reaches the SQL', () => {
    const evil = "x'); DROP TABLE customers; --";
    const { sql, params } = compile({
      any: [
        { field: 'customer.firstName', op: 'contains', value: evil },
        { field: 'customer.lastName', op: 'in', value: [evil, '$1'] },
        { field: 'customer.attributes.plan', op: 'gt', value: evil },
        { field: 'account.attributes.tags', op: 'contains', value: evil },
      ],
    });
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain('plan');
    expect(params).toEqual([
      evil,
      [evil, '$1'],
      'plan',
      evil,
      'tags',
      JSON.stringify([evil]),
      evil,
    ]);
  });

  it('writes groups with AND, OR and NOT, and empty groups as constants', () => {
    const leaf = { field: 'customer.marketingConsent', op: 'eq', value: true } as const;
    expect(compile({ not: { any: [leaf, { all: [leaf] }] } }).sql).toBe(
      '(NOT (COALESCE(c.marketing_consent = $1::boolean, false) OR (COALESCE(c.marketing_consent = $2::boolean, false))))',
    );
    expect(compile({ all: [] }).sql).toBe('TRUE');
    expect(compile({ any: [] }).sql).toBe('FALSE');
  });

  it('compares strings in code-point order (COLLATE "C") but equality as is', () => {
    expect(compile({ field: 'customer.firstName', op: 'lt', value: 'é' }).sql).toBe(
      'COALESCE(c.first_name COLLATE "C" < $1::text, false)',
    );
    expect(compile({ field: 'customer.firstName', op: 'neq', value: 'é' }).sql).toBe(
      'COALESCE(c.first_name <> $1::text, false)',
    );
  });

  it('passes dates as UTC instants and truncates columns to milliseconds', () => {
    const { sql, params } = compile({
      field: 'customer.createdAt',
      op: 'gte',
      value: '2026-01-31T14:30:00+05:30',
    });
    expect(sql).toBe(
      "COALESCE(date_trunc('milliseconds', c.created_at) >= $1::timestamptz, false)",
    );
    expect(params).toEqual(['2026-01-31T09:00:00.000Z']);
  });

  it('computes the olderThan cutoff in UTC in JS and binds it', () => {
    const { sql, params } = compile({
      field: 'customer.lastOrderAt',
      op: 'olderThan',
      value: 'P1M',
    });
    expect(sql).toBe(
      "COALESCE(date_trunc('milliseconds', c.last_order_at) < $1::timestamptz, false)",
    );
    expect(params).toEqual(['2026-02-28T01:30:00.000Z']);
  });

  it('sends numbers as their shortest decimal text', () => {
    expect(compile({ field: 'customer.clv', op: 'in', value: [0.1, 1e21, -0] }).params).toEqual([
      ['0.1', '1e+21', '0'],
    ]);
  });

  it('reads the account through the join', () => {
    expect(compile({ field: 'customer.accountId', op: 'exists' }).sql).toBe(
      '(a.external_id IS NOT NULL)',
    );
    expect(compile({ field: 'account.ownerName', op: 'exists', value: false }).sql).toBe(
      '(a.owner_name IS NULL)',
    );
  });

  it.each([
    { field: 'order.total', op: 'gt', value: 1 },
    { field: 'order.items.sku', op: 'contains', value: 'A' },
    { field: 'event.type', op: 'eq', value: 'x' },
    { field: 'event.properties.channel', op: 'exists' },
  ] as ConditionNode[])('refuses %j, which has no table', (node) => {
    expect(() => compile({ all: [node] })).toThrow(
      'exists only in memory and cannot be compiled to SQL',
    );
  });

  it('refuses an invalid leaf', () => {
    expect(() => compile({ field: 'customer.email', op: 'gt', value: 5 })).toThrow(
      'invalid condition on `customer.email` (validate before use): value: must be a string',
    );
  });
});
