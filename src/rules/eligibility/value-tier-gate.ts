import type { Module } from '../../messaging/messages/message.entity';

/**
 * The modules whose messages cost the firm money (a free accessory, a discount code). A
 * customer whose margin does not cover the cost to serve them gains nothing from a gift the
 * firm loses on, so these skip `unprofitable` customers unless the rule opts in. The other
 * modules (check-ins, sales touchpoints) are service and keep every customer: hearing about a
 * problem is worth it whatever the customer is worth.
 */
export const SPENDING_MODULES = [
  'product-extras',
  'reinforcing-promotions',
] as const satisfies readonly Module[];

export type ValueTierGate = { pass: true } | { pass: false; reason: 'unprofitable' };

/**
 * Whether a customer's value tier lets them into a rule of `module`. A null tier (a new
 * customer, tiers not computed yet) passes: nothing says they are unprofitable.
 */
export function valueTierGate(
  module: string,
  valueTier: string | null,
  includeUnprofitable: boolean,
): ValueTierGate {
  const spends = (SPENDING_MODULES as readonly string[]).includes(module);
  if (spends && valueTier === 'unprofitable' && !includeUnprofitable) {
    return { pass: false, reason: 'unprofitable' };
  }
  return { pass: true };
}
