import type { RuleInput } from '../../rules/rule.schema';

/**
 * DESIGN.md's post-purchase rule: "3 days after delivery, ask how it is going; a problem
 * opens a case and holds promotions". Every delivered order may be asked about — hearing a
 * problem is worth it whatever the customer is worth — but a customer is asked at most once
 * a month, however often they order. No holdout: a check-in is service, not an offer whose
 * lift needs proving.
 */
export const postPurchaseExampleRule: RuleInput = {
  name: 'Check in 3 days after delivery',
  module: 'post-purchase',
  trigger: { type: 'event', event: 'order.delivered' },
  delay: 'P3D',
  sendWindow: { start: '09:00', end: '18:00' },
  action: { type: 'email', template: 'post-purchase.check-in', to: 'customer', checkIn: true },
  reentry: { every: 'P30D' },
  holdoutPercent: 0,
  // Before offers due at the same time: a problem should be heard before anything is sold.
  priority: 80,
  includeUnprofitable: false,
  status: 'active',
};
