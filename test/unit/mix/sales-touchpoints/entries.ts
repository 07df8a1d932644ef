import type { ActiveRule, Entry } from '../../../../src/rules/engine/entry';
import { exampleRule } from '../../../../src/mix/sales-touchpoints/example-rule';

export const RULE_ID = '0b7f5c9e-3d6a-4b8e-9f1a-2c3d4e5f6a7b';
export const RUN_ID = 'c2a1e8f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

export const rule: ActiveRule = {
  id: RULE_ID,
  name: 'Quarterly value review',
  module: 'sales-touchpoints',
  version: 1,
  definition: { ...exampleRule, conditions: undefined },
};

/** An entry of the task rule for customer `id` of account `accountId`, from run RUN_ID. */
export function entry(id: string, accountId: string | null, overrides: Partial<Entry> = {}): Entry {
  const at = new Date('2026-04-01T07:00:00Z');
  return {
    rule,
    customer: {
      id,
      externalId: `cust-${id}`,
      email: `${id}@example.com`,
      timezone: null,
      locale: null,
      valueTier: null,
      accountId,
    },
    occurrence: RUN_ID,
    dedupeKey: `entry.${RULE_ID}.${id}.${RUN_ID}`,
    triggerAt: at,
    sendAt: at,
    group: 'treated',
    runId: RUN_ID,
    event: null,
    order: null,
    ...overrides,
  };
}
