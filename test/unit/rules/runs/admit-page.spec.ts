import { isHeldOut } from '../../../../src/rules/eligibility';
import type { ActiveRule } from '../../../../src/rules/engine/entry';
import type { RuleDefinition } from '../../../../src/rules/rule.schema';
import { admitPage } from '../../../../src/rules/runs/admit-page';
import type { AudienceRow } from '../../../../src/rules/runs/audience-query';

const RULE_ID = '6f1c1b9e-3f43-4c55-9d8e-2f7a2b1c0d11';
const RUN_ID = '0b7c2d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const AT = new Date('2026-03-02T08:00:00Z');

function rule(
  overrides: Partial<RuleDefinition> = {},
  module: ActiveRule['module'] = 'post-purchase',
): ActiveRule {
  return {
    id: RULE_ID,
    name: 'Weekly',
    module,
    version: 3,
    definition: {
      name: 'Weekly',
      module,
      trigger: { type: 'schedule', cron: '0 9 * * 1', timezone: 'Europe/Berlin' },
      action: { type: 'email', template: 't.weekly', to: 'customer' },
      reentry: 'always',
      holdoutPercent: 0,
      priority: 50,
      includeUnprofitable: false,
      ...overrides,
    },
  };
}

function row(id: number, overrides: Partial<AudienceRow> = {}): AudienceRow {
  return {
    id: String(id),
    external_id: `c-${id}`,
    email: `c-${id}@example.com`,
    timezone: 'Asia/Tokyo',
    locale: 'ja',
    value_tier: 'gold',
    account_id: null,
    last_entry_at: null,
    ...overrides,
  };
}

const trigger = { occurrence: RUN_ID, triggerAt: AT, runId: RUN_ID };

describe('admitPage', () => {
  it('makes one entry per customer, keyed by the run and carrying the run id', () => {
    const { entries, tally } = admitPage(
      rule(),
      [row(1), row(2, { account_id: '77' })],
      trigger,
      AT,
    );
    expect(tally).toEqual({ scheduled: 0, heldOut: 0, skipped: {} });
    expect(entries.map((e) => e.dedupeKey)).toEqual([
      `rule.${RULE_ID}.1.${RUN_ID}`,
      `rule.${RULE_ID}.2.${RUN_ID}`,
    ]);
    expect(entries[1]).toMatchObject({
      customer: {
        id: '2',
        externalId: 'c-2',
        accountId: '77',
        timezone: 'Asia/Tokyo',
        valueTier: 'gold',
      },
      occurrence: RUN_ID,
      runId: RUN_ID,
      triggerAt: AT,
      sendAt: AT,
      group: 'treated',
      event: null,
      order: null,
    });
  });

  it('counts the gates’ refusals by reason and leaves those customers out', () => {
    const { entries, tally } = admitPage(
      rule({ reentry: { every: 'P30D' } }, 'reinforcing-promotions'),
      [
        row(1, { value_tier: 'unprofitable' }),
        row(2, { last_entry_at: new Date('2026-02-20T08:00:00Z') }),
        row(3, { last_entry_at: new Date('2026-01-01T08:00:00Z') }),
        row(4, { value_tier: 'unprofitable' }),
      ],
      trigger,
      AT,
    );
    expect(entries.map((e) => e.customer.id)).toEqual(['3']);
    expect(tally.skipped).toEqual({ unprofitable: 2, reentry_too_soon: 1 });
  });

  it('keys `once` rules by (rule, customer), so a second run cannot enter them again', () => {
    const { entries, tally } = admitPage(
      rule({ reentry: 'once' }),
      [row(1), row(2, { last_entry_at: new Date('2025-01-01T00:00:00Z') })],
      trigger,
      AT,
    );
    expect(entries.map((e) => e.dedupeKey)).toEqual([`rule.${RULE_ID}.1.once`]);
    expect(tally.skipped).toEqual({ already_entered: 1 });
  });

  it('puts the customers the holdout hash picks in the holdout group, the others treated', () => {
    const rows = Array.from({ length: 400 }, (_, i) => row(i + 1));
    const { entries } = admitPage(rule({ holdoutPercent: 25 }), rows, trigger, AT);
    expect(entries).toHaveLength(400);
    for (const e of entries) {
      expect(e.group).toBe(isHeldOut(RULE_ID, e.customer.id, 25) ? 'holdout' : 'treated');
    }
    const held = entries.filter((e) => e.group === 'holdout').length;
    expect(held).toBeGreaterThan(60);
    expect(held).toBeLessThan(140);
  });

  it('moves the send time by the delay and into the window on the customer’s clock', () => {
    const { entries } = admitPage(
      rule({ delay: 'PT1H', sendWindow: { start: '10:00', end: '12:00' } }),
      [row(1, { timezone: 'Europe/Paris' }), row(2, { timezone: null })],
      trigger,
      AT,
    );
    // 08:00Z + 1 h = 10:00 in Paris (UTC+1 in March): inside. In UTC it is 09:00: wait for 10:00.
    expect(entries.map((e) => e.sendAt.toISOString())).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T10:00:00.000Z',
    ]);
  });
});
