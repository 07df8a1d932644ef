import { audienceCountQuery, audiencePageQuery } from '../../../../src/rules/runs/audience-query';

const RULE_ID = '6f1c1b9e-3f43-4c55-9d8e-2f7a2b1c0d11';
const AS_OF = new Date('2026-03-02T08:00:00Z');
const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('audience queries', () => {
  it('counts the customers the conditions select, never erased ones', () => {
    const q = audienceCountQuery({ field: 'customer.ordersCount', op: 'gte', value: 2 }, AS_OF);
    expect(squash(q.sql)).toBe(
      'SELECT count(*)::int AS n FROM customers c LEFT JOIN accounts a ON a.id = c.account_id ' +
        'WHERE c.erased_at IS NULL AND COALESCE(c.orders_count >= $1::numeric, false)',
    );
    expect(q.params).toEqual(['2']);
  });

  it('selects everyone (not erased) when the rule has no conditions', () => {
    expect(squash(audienceCountQuery(undefined, AS_OF).sql)).toMatch(
      /WHERE c\.erased_at IS NULL AND TRUE$/,
    );
  });

  it('reads the page after the cursor in id order, with the conditions’ parameters after its own', () => {
    const q = audiencePageQuery({
      ruleId: RULE_ID,
      conditions: { field: 'customer.valueTier', op: 'eq', value: 'gold' },
      asOf: AS_OF,
      cursor: '1500',
      pageSize: 500,
      needsLastEntry: true,
    });
    const sql = squash(q.sql);
    expect(sql).toMatch(/WHERE c\.id > \$1::bigint AND c\.erased_at IS NULL AND /);
    expect(sql).toMatch(/ORDER BY c\.id LIMIT \$2::int$/);
    expect(sql).toContain('m.rule_id = $3::uuid AND m.customer_id = c.id');
    expect(sql).toContain('t.rule_id = $3::uuid AND t.customer_id = c.id');
    expect(sql).toContain('c.value_tier = $4::text');
    expect(q.params).toEqual(['1500', 500, RULE_ID, 'gold']);
  });

  it('starts before every id without a cursor, and skips the last entry when nothing reads it', () => {
    const q = audiencePageQuery({
      ruleId: RULE_ID,
      conditions: undefined,
      asOf: AS_OF,
      cursor: null,
      pageSize: 1000,
      needsLastEntry: false,
    });
    expect(q.params).toEqual(['0', 1000]);
    expect(squash(q.sql)).toContain('NULL::timestamptz AS last_entry_at');
    expect(q.sql).not.toContain('messages');
  });

  it('fixes age cutoffs at the run’s trigger time, so every page draws the same line', () => {
    const conditions = { field: 'customer.lastOrderAt', op: 'olderThan' as const, value: 'P30D' };
    const a = audiencePageQuery({
      ruleId: RULE_ID,
      conditions,
      asOf: AS_OF,
      cursor: null,
      pageSize: 10,
      needsLastEntry: false,
    });
    const b = audienceCountQuery(conditions, AS_OF);
    expect(a.params.at(-1)).toBe('2026-01-31T08:00:00.000Z');
    expect(b.params.at(-1)).toBe('2026-01-31T08:00:00.000Z');
  });
});
