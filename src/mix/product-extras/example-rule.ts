import type { RuleInput } from '../../rules/rule.schema';

/**
 * DESIGN.md's product-extras rule: "2 days after a laptop is delivered, offer its case and
 * extended warranty, unless they own them". The catalogue says which case and warranty fit
 * which laptop (`PUT /v1/products/{sku}` with `extras`); the rule only asks for those kinds.
 */
export const productExtrasExampleRule: RuleInput = {
  name: 'Case and extended warranty 2 days after a laptop is delivered',
  module: 'product-extras',
  trigger: { type: 'event', event: 'order.delivered' },
  conditions: {
    any: [
      { field: 'order.items.sku', op: 'contains', value: 'LAPTOP-14-PRO' },
      { field: 'order.items.sku', op: 'contains', value: 'LAPTOP-16-PRO' },
    ],
  },
  delay: 'P2D',
  sendWindow: { start: '09:00', end: '18:00' },
  action: {
    type: 'email',
    template: 'product-extras.offer',
    to: 'customer',
    // Owned ones are always left out; see pickExtras for what excludeOwned changes.
    extras: { kinds: ['accessory', 'warranty'], max: 2, excludeOwned: true },
  },
  // Every laptop delivered is its own occasion; an extra offered lately is not offered again.
  reentry: 'always',
  holdoutPercent: 10,
  goal: { event: 'order.placed', within: 'P14D', exitOnGoal: true },
  priority: 40,
  includeUnprofitable: false,
  status: 'active',
};
