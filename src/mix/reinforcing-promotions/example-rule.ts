import type { RuleInput } from '../../rules/rule.schema';

/**
 * DESIGN.md's reinforcing-promotions rule: "every Monday, gold customers who have not
 * ordered for 45 days get 15 % off, 10 % held out". Each gets a personal code valid for two
 * weeks from when the message goes out; the held-out tenth gets none and shows the lift.
 */
export const reinforcingPromotionsExampleRule: RuleInput = {
  name: 'Gold customers quiet for 45 days: 15 % off',
  module: 'reinforcing-promotions',
  trigger: { type: 'schedule', cron: '0 10 * * 1', timezone: 'Europe/Berlin' },
  conditions: {
    all: [
      { field: 'customer.attributes.loyaltyLevel', op: 'eq', value: 'gold' },
      { field: 'customer.lastOrderAt', op: 'olderThan', value: 'P45D' },
    ],
  },
  sendWindow: { start: '09:00', end: '18:00' },
  action: {
    type: 'email',
    template: 'reinforcing-promotions.promotion',
    to: 'customer',
    promotion: { codePrefix: 'BACK15', discountPercent: 15, validFor: 'P14D' },
  },
  // One code a month at most, however many Mondays they stay quiet.
  reentry: { every: 'P30D' },
  holdoutPercent: 10,
  goal: { event: 'order.placed', within: 'P14D', exitOnGoal: true },
  priority: 50,
  includeUnprofitable: false,
  status: 'active',
};
