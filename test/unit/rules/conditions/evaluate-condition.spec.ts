import { Leaf } from '../../../../src/rules/conditions/condition.types';
import {
  ConditionFacts,
  evaluateCondition,
  resolveField,
} from '../../../../src/rules/conditions/evaluate-condition';

const NOW = new Date('2026-03-29T01:30:00.000Z');

const customer = (fields: Record<string, unknown>): ConditionFacts => ({
  customer: { id: 'c-1', attributes: {}, ...fields },
  account: null,
});
const attrs = (attributes: Record<string, unknown>) => customer({ attributes });

/** The leaf and its negation: a missing value makes the leaf false and `not` true. */
function check(leaf: Leaf, facts: ConditionFacts, expected: boolean) {
  expect(evaluateCondition(leaf, facts, NOW)).toBe(expected);
  expect(evaluateCondition({ not: leaf }, facts, NOW)).toBe(!expected);
}

describe('evaluateCondition: missing values (two-valued logic)', () => {
  const missing: [string, ConditionFacts][] = [
    ['null', customer({ email: null })],
    ['absent', customer({})],
    ['no customer', { customer: null, account: null }],
  ];
  const leaves: Leaf[] = [
    { field: 'customer.email', op: 'eq', value: 'a@x.test' },
    { field: 'customer.email', op: 'neq', value: 'a@x.test' },
    { field: 'customer.email', op: 'gt', value: '' },
    { field: 'customer.email', op: 'lte', value: '\u{10ffff}' },
    { field: 'customer.email', op: 'in', value: ['a@x.test'] },
    { field: 'customer.email', op: 'nin', value: ['a@x.test'] },
    { field: 'customer.email', op: 'contains', value: '' },
    { field: 'customer.email', op: 'exists' },
    { field: 'customer.email', op: 'exists', value: true },
  ];
  for (const [name, facts] of missing)
    it.each(leaves)(`${name}: %j is false, its negation true`, (leaf) => check(leaf, facts, false));

  it('exists false is true on a missing value', () => {
    for (const [, facts] of missing)
      check({ field: 'customer.email', op: 'exists', value: false }, facts, true);
  });

  it('treats a value of the wrong type as missing', () => {
    check({ field: 'customer.email', op: 'neq', value: 'x' }, customer({ email: 5 }), false);
    check(
      { field: 'customer.ordersCount', op: 'exists' },
      customer({ ordersCount: 'many' }),
      false,
    );
    check(
      { field: 'customer.lastOrderAt', op: 'exists' },
      customer({ lastOrderAt: 'soon' }),
      false,
    );
  });

  it('all of nothing is true, any of nothing is false', () => {
    expect(evaluateCondition({ all: [] }, customer({}), NOW)).toBe(true);
    expect(evaluateCondition({ any: [] }, customer({}), NOW)).toBe(false);
  });
});

describe('evaluateCondition: strings', () => {
  const name = (firstName: string) => customer({ firstName });
  it.each([
    ['Zoë', 'eq', 'Zoë', true],
    ['Zoë', 'eq', 'zoë', false],
    // Composed é (U+00E9) and e + combining acute are different strings: no normalisation.
    ['\u00e9', 'eq', 'e\u0301', false],
    ['\u00e9', 'neq', 'e\u0301', true],
    ['b', 'gt', 'a', true],
    ['B', 'gt', 'a', false],
    ['a', 'gte', 'a', true],
    ['ab', 'gt', 'a', true],
    ['Ä', 'gt', 'Z', true],
    // Code-point order, not UTF-16: U+1F600 (a surrogate pair) sorts after U+FF61.
    ['😀', 'gt', '\uff61', true],
    ['\uff61', 'lt', '😀', true],
    ['\u{10000}', 'gt', '\uffff', true],
    ['😀', 'lt', '😁', true],
    ['日本語', 'contains', '本', true],
    ['a😀b', 'contains', '😀', true],
    ['Hello', 'contains', 'hello', false],
    ['Hello', 'contains', '', true],
  ] as const)('%p %s %p → %p', (value, op, operand, expected) => {
    check({ field: 'customer.firstName', op, value: operand }, name(value), expected);
  });

  it('in and nin compare exactly', () => {
    check(
      { field: 'customer.locale', op: 'in', value: ['de', 'fr'] },
      customer({ locale: 'fr' }),
      true,
    );
    check(
      { field: 'customer.locale', op: 'in', value: ['de', 'fr'] },
      customer({ locale: 'FR' }),
      false,
    );
    check(
      { field: 'customer.locale', op: 'nin', value: ['de', 'fr'] },
      customer({ locale: 'FR' }),
      true,
    );
  });
});

describe('evaluateCondition: numbers', () => {
  it.each([
    ['12.50', 'eq', 12.5, true],
    [12.5, 'eq', 12.5, true],
    ['12.50', 'gt', 12.49, true],
    ['0.30', 'eq', 0.3, true],
    ['-0.01', 'lt', 0, true],
    ['100.00', 'gte', 100, true],
    ['100.00', 'lte', 99.99, false],
    ['12.50', 'in', [1, 12.5], true],
    ['12.50', 'nin', [1, 12.5], false],
    ['12,50', 'eq', 12.5, false],
    ['NaN', 'exists', undefined, false],
  ] as const)('totalSpent %p %s %p → %p', (totalSpent, op, value, expected) => {
    const leaf: Leaf =
      value === undefined
        ? { field: 'customer.totalSpent', op }
        : { field: 'customer.totalSpent', op, value };
    check(leaf, customer({ totalSpent }), expected);
  });
});

describe('evaluateCondition: booleans', () => {
  it.each([
    [true, 'eq', true, true],
    [false, 'eq', true, false],
    [false, 'neq', true, true],
    [false, 'in', [false], true],
    [true, 'nin', [false], true],
  ] as const)('%p %s %p → %p', (marketingConsent, op, value, expected) => {
    check(
      { field: 'customer.marketingConsent', op, value },
      customer({ marketingConsent }),
      expected,
    );
  });
});

describe('evaluateCondition: dates and durations', () => {
  const ordered = (lastOrderAt: unknown) => customer({ lastOrderAt });
  // P30D before NOW is 2026-02-27T01:30:00Z.
  it.each([
    [new Date('2026-02-27T01:29:59.999Z'), 'olderThan', 'P30D', true],
    [new Date('2026-02-27T01:30:00.000Z'), 'olderThan', 'P30D', false],
    [new Date('2026-02-27T01:30:00.000Z'), 'newerThan', 'P30D', false],
    [new Date('2026-02-27T01:30:00.001Z'), 'newerThan', 'P30D', true],
    ['2026-02-27T01:30:00.001Z', 'newerThan', 'P30D', true],
    ['2026-02-27T07:00:00.001+05:30', 'newerThan', 'P30D', true],
    // Months count on the UTC calendar: one month before 29 March is 28 February (2026).
    [new Date('2026-02-28T01:29:59.999Z'), 'olderThan', 'P1M', true],
    [new Date('2026-02-28T01:30:00.001Z'), 'newerThan', 'P1M', true],
    // PT12H is twelve hours, whatever the clocks did that night anywhere.
    [new Date('2026-03-28T13:30:00.001Z'), 'newerThan', 'PT12H', true],
    [new Date('2026-03-28T13:29:59.999Z'), 'newerThan', 'PT12H', false],
  ] as const)('%p %s %s → %p', (value, op, duration, expected) => {
    check({ field: 'customer.lastOrderAt', op, value: duration }, ordered(value), expected);
  });

  it.each([
    ['eq', '2026-01-31T09:00:00Z', true],
    ['eq', '2026-01-31T14:30:00+05:30', true],
    ['neq', '2026-01-31T09:00:00.001Z', true],
    ['gt', '2026-01-31', true],
    ['lt', '2026-02-01', true],
    ['lte', '2026-01-31T09:00Z', true],
    ['gte', '2026-01-31T09:00:00.001Z', false],
    ['in', ['2025-01-01', '2026-01-31T09:00:00.000Z'], true],
    ['nin', ['2026-01-31T09:00:00Z'], false],
  ] as const)('2026-01-31T09:00Z %s %p → %p', (op, value, expected) => {
    check(
      { field: 'customer.lastOrderAt', op, value },
      ordered(new Date('2026-01-31T09:00:00Z')),
      expected,
    );
  });

  it('reads a bare date value as midnight UTC, whatever the process zone', () => {
    check(
      { field: 'customer.lastOrderAt', op: 'eq', value: '2026-01-31' },
      ordered(new Date('2026-01-31T00:00:00Z')),
      true,
    );
  });

  it('compares at millisecond precision (what a Date holds; SQL truncates to match)', () => {
    check(
      { field: 'customer.lastOrderAt', op: 'eq', value: '2026-01-31T09:00:00.123456Z' },
      ordered(new Date('2026-01-31T09:00:00.123Z')),
      true,
    );
  });
});

describe('evaluateCondition: JSON attributes', () => {
  const since = (value: unknown) => attrs({ since: value });
  const at = (op: Leaf['op'], value?: unknown): Leaf =>
    value === undefined
      ? { field: 'customer.attributes.since', op }
      : { field: 'customer.attributes.since', op, value };

  it.each([
    // eq / neq: JSON equality, so number 5 is not string "5".
    [5, at('eq', 5), true],
    [5, at('eq', '5'), false],
    ['5', at('eq', '5'), true],
    [true, at('eq', true), true],
    [true, at('eq', 'true'), false],
    [{ a: 1 }, at('eq', 1), false],
    [{ a: 1 }, at('neq', 1), true],
    [[5], at('eq', 5), false],
    [5, at('neq', '5'), true],
    // JSON null is missing: not even neq.
    [null, at('neq', 5), false],
    [null, at('nin', [5]), false],
    [null, at('exists'), false],
    [null, at('exists', false), true],
    [0, at('exists'), true],
    ['', at('exists'), true],
    [false, at('exists'), true],
    // in / nin
    [5, at('in', ['5', 5]), true],
    ['5', at('in', [5]), false],
    ['5', at('nin', [5]), true],
    // ordering needs the same JSON type
    [10, at('gt', 5), true],
    ['10', at('gt', 5), false],
    [10, at('gt', '5'), false],
    ['b', at('gt', 'a'), true],
    ['😀', at('gt', '\uff61'), true],
    [true, at('gt', 0), false],
    // contains: substring of a string, element of an array (not of a nested one)
    ['vip-gold', at('contains', 'gold'), true],
    [['vip', 'gold'], at('contains', 'gold'), true],
    [['vip', 'gold'], at('contains', 'old'), false],
    [[1, 2, 5], at('contains', 5), true],
    [[[5]], at('contains', 5), false],
    [['5'], at('contains', 5), false],
    [[true], at('contains', true), true],
    [55, at('contains', 5), false],
    [{ gold: true }, at('contains', 'gold'), false],
    // olderThan / newerThan only on strings in the accepted ISO form and real dates
    ['2026-01-01', at('olderThan', 'P30D'), true],
    ['2026-03-28', at('newerThan', 'P1DT2H'), true],
    ['2026-03-28T12:59:59.999+13:30', at('olderThan', 'P1DT2H'), true],
    ['2026-02-30', at('olderThan', 'P30D'), false],
    ['2026-01-01T10:00', at('olderThan', 'P30D'), false],
    ['2026-01-01 10:00:00Z', at('olderThan', 'P30D'), false],
    ['2026-01-01T24:00:00Z', at('olderThan', 'P30D'), false],
    [' 2026-01-01', at('olderThan', 'P30D'), false],
    ['٢٠٢٦-01-01', at('olderThan', 'P30D'), false],
    [1767225600000, at('olderThan', 'P30D'), false],
  ])('%j: %j → %p', (value, leaf, expected) => {
    check(leaf, since(value), expected);
  });

  it('reads only own keys, so `constructor` is not Object', () => {
    const leaf: Leaf = { field: 'customer.attributes.constructor', op: 'exists' };
    check(leaf, attrs({}), false);
    check(leaf, attrs({ constructor: 1 }), true);
    check(
      { field: 'customer.attributes.__proto__', op: 'eq', value: 1 },
      attrs(JSON.parse('{"__proto__":1}') as Record<string, unknown>),
      true,
    );
  });

  it('has no attributes where the object is not an object', () => {
    check({ field: 'customer.attributes.0', op: 'exists' }, customer({ attributes: ['x'] }), false);
    check(
      { field: 'customer.attributes.length', op: 'exists' },
      customer({ attributes: 'text' }),
      false,
    );
  });

  it('reads account attributes, and none without an account', () => {
    const leaf: Leaf = { field: 'account.attributes.plan', op: 'eq', value: 'pro' };
    check(leaf, { customer: {}, account: { attributes: { plan: 'pro' } } }, true);
    check({ not: leaf } as never, { customer: {}, account: null }, true);
  });
});

describe('evaluateCondition: events and orders', () => {
  const facts: ConditionFacts = {
    customer: { id: 'c-1' },
    account: null,
    event: {
      type: 'order.delivered',
      occurredAt: '2026-03-28T10:00:00Z',
      properties: { channel: 'web' },
    },
    order: {
      id: 'o-1',
      total: '59.90',
      currency: 'EUR',
      couponCode: null,
      placedAt: new Date('2026-03-20T10:00:00Z'),
      items: [{ sku: 'LAPTOP-13', quantity: 1 }, { sku: 'BAG' }, { quantity: 2 }],
    },
  };
  it.each([
    [{ field: 'event.type', op: 'eq', value: 'order.delivered' }, true],
    [{ field: 'event.occurredAt', op: 'newerThan', value: 'P1D' }, true],
    [{ field: 'event.properties.channel', op: 'in', value: ['web', 'pos'] }, true],
    [{ field: 'order.total', op: 'gte', value: 50 }, true],
    [{ field: 'order.couponCode', op: 'exists' }, false],
    [{ field: 'order.couponCode', op: 'exists', value: false }, true],
    [{ field: 'order.items.sku', op: 'contains', value: 'BAG' }, true],
    [{ field: 'order.items.sku', op: 'contains', value: 'LAPTOP' }, false],
    [{ field: 'order.items.sku', op: 'exists' }, true],
    [{ field: 'order.placedAt', op: 'olderThan', value: 'P7D' }, true],
  ] as [Leaf, boolean][])('%j → %p', (leaf, expected) => {
    check(leaf, facts, expected);
  });

  it('has no order fields without an order', () => {
    check({ field: 'order.total', op: 'neq', value: 0 }, { customer: {}, account: null }, false);
    check(
      { field: 'order.items.sku', op: 'exists' },
      { customer: {}, account: null, order: { items: [] } },
      false,
    );
  });
});

describe('evaluateCondition: trees', () => {
  const facts = customer({ ordersCount: 3, email: 'a@x.test' });
  it.each([
    [
      {
        all: [
          { field: 'customer.ordersCount', op: 'gt', value: 2 },
          { field: 'customer.email', op: 'exists' },
        ],
      },
      true,
    ],
    [
      {
        all: [
          { field: 'customer.ordersCount', op: 'gt', value: 3 },
          { field: 'customer.email', op: 'exists' },
        ],
      },
      false,
    ],
    [
      {
        any: [
          { field: 'customer.ordersCount', op: 'gt', value: 3 },
          { field: 'customer.email', op: 'exists' },
        ],
      },
      true,
    ],
    [{ not: { any: [{ field: 'customer.clv', op: 'gt', value: 0 }] } }, true],
  ] as const)('%j → %p', (node, expected) => {
    expect(evaluateCondition(node as never, facts, NOW)).toBe(expected);
  });

  it('refuses an invalid leaf instead of guessing', () => {
    expect(() => evaluateCondition({ field: 'customer.phone', op: 'exists' }, facts, NOW)).toThrow(
      'invalid condition on `customer.phone` (validate before use): field: unknown field `customer.phone`',
    );
  });
});

describe('resolveField', () => {
  const facts: ConditionFacts = {
    customer: { id: 'c-1', accountId: 'acc-1', attributes: { plan: 'pro', nothing: null } },
    account: { id: 'acc-1', name: 'Acme' },
    order: { items: [{ sku: 'A' }, { sku: 7 }, { sku: 'B' }] },
  };
  it.each([
    ['customer.id', 'c-1'],
    ['customer.accountId', 'acc-1'],
    ['customer.attributes.plan', 'pro'],
    ['customer.attributes.nothing', null],
    ['customer.attributes.missing', undefined],
    ['account.name', 'Acme'],
    ['order.items.sku', ['A', 'B']],
    ['order.total', undefined],
    ['event.type', undefined],
  ])('%s → %j', (field, expected) => {
    expect(resolveField(facts, field)).toEqual(expected);
  });

  it('throws on a field outside the catalogue', () => {
    expect(() => resolveField(facts, 'customer.password')).toThrow(
      'unknown field `customer.password`',
    );
  });
});
