import { Source } from '../../../../src/rules/conditions/condition-fields';
import { MAX_DEPTH, MAX_LEAVES } from '../../../../src/rules/conditions/condition.types';
import { validateConditions } from '../../../../src/rules/conditions/validate-conditions';

const EVENT_RULE = new Set<Source>(['customer', 'account', 'event', 'order']);
const SCHEDULE_RULE = new Set<Source>(['customer', 'account']);

const errors = (node: unknown, available = EVENT_RULE) => validateConditions(node, available);
const leaf = (field: string, op: string, value?: unknown) =>
  value === undefined ? { field, op } : { field, op, value };

describe('validateConditions: valid trees', () => {
  it.each([
    [
      'the design example',
      {
        all: [leaf('customer.valueTier', 'nin', ['unprofitable']), leaf('order.total', 'gte', 50)],
      },
    ],
    [
      'a nested tree',
      {
        any: [
          { not: leaf('customer.marketingConsent', 'eq', false) },
          {
            all: [
              leaf('customer.lastOrderAt', 'olderThan', 'P30D'),
              leaf('customer.email', 'exists'),
            ],
          },
        ],
      },
    ],
    ['exists false', leaf('customer.clv', 'exists', false)],
    [
      'dates as date or date-time with offset',
      {
        all: [
          leaf('customer.createdAt', 'gte', '2026-01-31'),
          leaf('customer.createdAt', 'lt', '2026-01-31T09:00:00.123456+05:30'),
          leaf('account.createdAt', 'in', ['2026-01-31T09:00Z']),
        ],
      },
    ],
    [
      'any JSON scalar on an attribute',
      {
        all: [
          leaf('customer.attributes.plan', 'eq', 'pro'),
          leaf('customer.attributes.seats', 'gt', 5),
          leaf('account.attributes.tags', 'contains', 'vip'),
          leaf('customer.attributes.beta', 'in', [true, 1, 'yes']),
          leaf('customer.attributes.trial-ends_at', 'newerThan', 'PT12H'),
        ],
      },
    ],
    [
      'event and order fields',
      {
        all: [
          leaf('event.type', 'eq', 'order.delivered'),
          leaf('event.properties.channel', 'eq', 'web'),
          leaf('order.items.sku', 'contains', 'LAPTOP-13'),
          leaf('order.couponCode', 'exists', false),
          leaf('order.deliveredAt', 'newerThan', 'P1DT12H'),
        ],
      },
    ],
    ['non-ASCII strings', leaf('customer.firstName', 'in', ['Zoë', '日本', '😀'])],
  ])('accepts %s', (_name, node) => {
    expect(errors(node)).toEqual([]);
  });
});

describe('validateConditions: shape', () => {
  it.each([
    [undefined, [{ path: 'conditions', message: 'is required' }]],
    [[], [{ path: 'conditions', message: expect.stringMatching(/expected object/) }]],
    [
      {},
      [{ path: 'conditions', message: 'must be one of {all}, {any}, {not} or {field, op, value}' }],
    ],
    [{ all: [] }, [{ path: 'conditions.all', message: 'must list at least one condition' }]],
    [{ any: {} }, [{ path: 'conditions.any', message: expect.stringMatching(/expected array/) }]],
    [
      { all: [leaf('customer.email', 'exists')], extra: 1 },
      [{ path: 'conditions.extra', message: 'unknown field' }],
    ],
    [
      { all: [leaf('customer.email', 'exists')], any: [leaf('customer.email', 'exists')] },
      [{ path: 'conditions', message: expect.stringMatching(/^mixes `all` and `any`/) }],
    ],
    [
      { any: [{ field: 'customer.email' }] },
      [{ path: 'conditions.any[0].op', message: 'is required' }],
    ],
    [
      { any: [leaf('customer.email', 'exists'), { op: 'eq', value: 1 }] },
      [{ path: 'conditions.any[1].field', message: 'is required' }],
    ],
    [
      { not: { all: [leaf('customer.email', 'exists')], op: 'eq' } },
      [
        {
          path: 'conditions.not.op',
          message: 'belongs to a {field, op, value} condition, not to `all`',
        },
      ],
    ],
    [
      { all: [leaf('customer.email', 'like', 'a%')] },
      [{ path: 'conditions.all[0].op', message: expect.stringMatching(/^Invalid option/) }],
    ],
    [
      { all: [{ field: 'customer.email', op: 'eq', value: 'a', note: 'x' }] },
      [{ path: 'conditions.all[0].note', message: 'unknown field' }],
    ],
  ])('%j', (node, expected) => {
    expect(errors(node)).toEqual(expected);
  });

  it(`refuses a tree nested deeper than ${MAX_DEPTH} levels, without walking it all`, () => {
    let node: unknown = leaf('customer.email', 'exists');
    for (let i = 1; i < MAX_DEPTH; i++) node = { not: node };
    expect(errors(node)).toEqual([]);
    let deep: unknown = { not: node };
    expect(errors(deep)).toEqual([{ path: 'conditions', message: 'nests deeper than 8 levels' }]);
    for (let i = 0; i < 100_000; i++) deep = { not: deep };
    expect(errors(deep)).toEqual([{ path: 'conditions', message: 'nests deeper than 8 levels' }]);
  });

  it(`refuses more than ${MAX_LEAVES} conditions`, () => {
    const many = (n: number) => ({
      any: Array.from({ length: n }, (_, i) => leaf('customer.ordersCount', 'eq', i)),
    });
    expect(errors(many(MAX_LEAVES))).toEqual([]);
    expect(errors(many(MAX_LEAVES + 1))).toEqual([
      { path: 'conditions', message: 'has more than 100 conditions' },
    ]);
  });

  it('prefixes paths with the caller’s path', () => {
    expect(
      validateConditions({ all: [leaf('nope', 'exists')] }, EVENT_RULE, ['rules', 2, 'conditions']),
    ).toEqual([{ path: 'rules[2].conditions.all[0].field', message: 'unknown field `nope`' }]);
  });
});

describe('validateConditions: fields', () => {
  it('names an unknown field', () => {
    expect(
      errors({ any: [leaf('customer.email', 'exists'), leaf('customer.phone', 'exists')] }),
    ).toEqual([{ path: 'conditions.any[1].field', message: 'unknown field `customer.phone`' }]);
  });

  it.each([
    'customer.attributes.',
    'customer.attributes.a b',
    'customer.attributes.a.b',
    `customer.attributes.${'x'.repeat(65)}`,
    'account.attributes.é',
  ])('refuses the attribute name in %p', (field) => {
    expect(errors(leaf(field, 'exists'))).toEqual([
      {
        path: 'conditions.field',
        message: expect.stringMatching(/must be 1 to 64 letters, digits, `_` or `-`$/),
      },
    ]);
  });

  it.each([
    ['order.total', 'order', '`order.*` fields need an order event trigger'],
    ['order.items.sku', 'order', '`order.*` fields need an order event trigger'],
    ['event.type', 'event', '`event.*` fields need an event trigger'],
    ['event.properties.channel', 'event', '`event.*` fields need an event trigger'],
  ])('refuses %s where the trigger has no %s', (field, source, hint) => {
    expect(
      validateConditions(
        { all: [leaf('customer.email', 'exists'), leaf(field, 'exists')] },
        SCHEDULE_RULE,
      ),
    ).toEqual([
      { path: 'conditions.all[1].field', message: `this rule's trigger has no ${source}; ${hint}` },
    ]);
  });

  it('reports the source and a bad value of the same leaf together', () => {
    expect(validateConditions(leaf('order.total', 'gt', '50'), SCHEDULE_RULE)).toEqual([
      { path: 'conditions.field', message: expect.stringMatching(/has no order/) },
      { path: 'conditions.value', message: 'must be a number' },
    ]);
  });
});

describe('validateConditions: ops against field types', () => {
  it.each([
    ['customer.marketingConsent', 'gt', true, 'a boolean', 'eq, neq, in, nin, exists'],
    [
      'customer.ordersCount',
      'contains',
      1,
      'a number',
      'eq, neq, gt, gte, lt, lte, in, nin, exists',
    ],
    [
      'customer.email',
      'olderThan',
      'P1D',
      'a string',
      'eq, neq, gt, gte, lt, lte, in, nin, contains, exists',
    ],
    [
      'customer.createdAt',
      'contains',
      '2026',
      'a date',
      'eq, neq, gt, gte, lt, lte, in, nin, exists, olderThan, newerThan',
    ],
    ['order.items.sku', 'eq', 'A', 'a list of strings', 'contains, exists'],
  ])('%s does not take %s', (field, op, value, type, ops) => {
    expect(errors({ any: [leaf(field, op, value)] })).toEqual([
      {
        path: 'conditions.any[0].op',
        message: `\`${op}\` does not apply to \`${field}\` (${type}); use one of ${ops}`,
      },
    ]);
  });
});

describe('validateConditions: values', () => {
  const at = (node: unknown) => errors({ all: [node] });
  const valueError = (message: string, path = 'conditions.all[0].value') => [{ path, message }];

  it.each([
    [leaf('customer.email', 'eq'), 'is required'],
    [leaf('customer.email', 'eq', null), 'must be a string'],
    [leaf('customer.email', 'eq', 5), 'must be a string'],
    [leaf('customer.email', 'contains', ['a']), 'must be a string'],
    [leaf('customer.ordersCount', 'gt', '5'), 'must be a number'],
    [leaf('customer.totalSpent', 'lte', Number.NaN), 'must be a number'],
    [leaf('customer.marketingConsent', 'eq', 'true'), 'must be true or false'],
    [leaf('customer.email', 'exists', 'yes'), 'must be true or false (left out, it means true)'],
    [leaf('customer.attributes.x', 'eq', null), 'must be a string, number or boolean'],
    [leaf('customer.attributes.x', 'eq', { a: 1 }), 'must be a string, number or boolean'],
    [leaf('customer.attributes.x', 'contains', [1]), 'must be a string, number or boolean'],
    [leaf('customer.attributes.x', 'gt', true), 'must be a number or a string'],
    [
      leaf('customer.email', 'eq', 'a\u0000b'),
      'must not contain NUL or unpaired surrogate characters',
    ],
    [
      leaf('customer.email', 'eq', 'a\ud83d'),
      'must not contain NUL or unpaired surrogate characters',
    ],
    [leaf('customer.email', 'in', []), 'must be a non-empty list'],
    [leaf('customer.email', 'nin', 'a'), 'must be a non-empty list'],
    [
      leaf(
        'customer.email',
        'in',
        Array.from({ length: 1001 }, (_, i) => `${i}`),
      ),
      'must list at most 1000 values',
    ],
  ])('%j: %s', (node, message) => {
    expect(at(node)).toEqual(valueError(message));
  });

  it('names each bad element of a list', () => {
    expect(at(leaf('customer.ordersCount', 'in', [1, '2', 3, null]))).toEqual([
      { path: 'conditions.all[0].value[1]', message: 'must be a number' },
      { path: 'conditions.all[0].value[3]', message: 'must be a number' },
    ]);
  });

  it('takes up to 1000 values in a list', () => {
    expect(
      at(
        leaf(
          'customer.email',
          'in',
          Array.from({ length: 1000 }, (_, i) => `${i}`),
        ),
      ),
    ).toEqual([]);
  });

  it.each([
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-01-31T09:00:00',
    '2026-01-31T24:00:00Z',
    '2026-01-31T09:00:60Z',
    '2026-01-31T09:00:00+15:00',
    '2026-01-31 09:00:00Z',
    '2026-W05-6',
    '09:00',
    '0999-01-01',
    '2026-01-31T09:00:00.1234567Z',
  ])('refuses the date %p', (value) => {
    expect(at(leaf('customer.lastOrderAt', 'gt', value))).toEqual(
      valueError(
        'must be an ISO-8601 date (2026-01-31) or date-time with an offset (2026-01-31T09:00:00Z)',
      ),
    );
  });

  it.each([
    'P0D',
    'PT0S',
    'P-1D',
    'P1DT-1H',
    'P',
    'PT',
    'P1DT',
    '30D',
    'p30d',
    'P201Y',
    'PT0.0001S',
    30,
  ])('refuses the duration %p', (value) => {
    expect(at(leaf('customer.lastOrderAt', 'olderThan', value))).toEqual(
      valueError('must be a positive ISO-8601 duration of at most 200 years, e.g. P30D or PT12H'),
    );
  });

  it.each(['P30D', 'PT12H', 'P1M', 'P2W', 'P1Y2M3DT4H5M6.5S', 'PT0.5H', 'P200Y'])(
    'takes the duration %p',
    (value) => {
      expect(at(leaf('customer.attributes.since', 'newerThan', value))).toEqual([]);
    },
  );
});
