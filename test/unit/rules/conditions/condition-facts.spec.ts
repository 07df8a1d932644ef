import {
  accountFacts,
  customerFacts,
  CustomerRow,
} from '../../../../src/rules/conditions/condition-facts';
import { evaluateCondition } from '../../../../src/rules/conditions/evaluate-condition';

const ROW: CustomerRow = {
  external_id: 'cus-1',
  email: 'zoe@example.test',
  first_name: 'Zoë',
  last_name: null,
  locale: 'de-DE',
  timezone: 'Europe/Berlin',
  marketing_consent: true,
  orders_count: 3,
  total_spent: '129.90',
  first_order_at: new Date('2025-01-02T10:00:00Z'),
  last_order_at: null,
  created_at: new Date('2024-12-01T00:00:00Z'),
  value_tier: 'gold',
  rfm_segment: null,
  clv: '410.00',
  attributes: { plan: 'pro' },
  account_external_id: 'acc-7',
};

describe('customerFacts / accountFacts', () => {
  it('names customer fields as the conditions do, keeping pg forms for the evaluator', () => {
    expect(customerFacts(ROW)).toEqual({
      id: 'cus-1',
      email: 'zoe@example.test',
      firstName: 'Zoë',
      lastName: null,
      locale: 'de-DE',
      timezone: 'Europe/Berlin',
      marketingConsent: true,
      ordersCount: 3,
      totalSpent: '129.90',
      firstOrderAt: new Date('2025-01-02T10:00:00Z'),
      lastOrderAt: null,
      createdAt: new Date('2024-12-01T00:00:00Z'),
      valueTier: 'gold',
      rfmSegment: null,
      clv: '410.00',
      accountId: 'acc-7',
      attributes: { plan: 'pro' },
    });
  });

  it('reads a row from before the value-tier columns as having none', () => {
    const old: CustomerRow = { ...ROW };
    delete old.value_tier;
    delete old.rfm_segment;
    delete old.clv;
    const facts = customerFacts(old);
    expect([facts.valueTier, facts.rfmSegment, facts.clv]).toEqual([null, null, null]);
  });

  it('feeds the evaluator', () => {
    const facts = {
      customer: customerFacts(ROW),
      account: accountFacts({
        external_id: 'acc-7',
        name: 'Acme',
        owner_email: 'owner@acme.test',
        owner_name: null,
        created_at: new Date('2024-01-01T00:00:00Z'),
        attributes: { tier: 'enterprise' },
      }),
    };
    const now = new Date('2026-01-01T00:00:00Z');
    expect(
      evaluateCondition(
        {
          all: [
            { field: 'customer.totalSpent', op: 'gt', value: 100 },
            { field: 'customer.accountId', op: 'eq', value: 'acc-7' },
            { field: 'account.attributes.tier', op: 'eq', value: 'enterprise' },
            { field: 'account.ownerName', op: 'exists', value: false },
            { field: 'customer.clv', op: 'gte', value: 410 },
          ],
        },
        facts,
        now,
      ),
    ).toBe(true);
  });
});
