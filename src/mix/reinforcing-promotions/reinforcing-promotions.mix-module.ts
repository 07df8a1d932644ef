import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FieldError } from '../../common/problem/problem';
import type { EntryCustomer, EntryEvent, EntryOrder, Prepared } from '../../rules/engine/entry';
import type { MixModule, PrepareGroup } from '../../rules/engine/mix-module';
import { MixModuleRegistry } from '../../rules/engine/mix-module-registry';
import { addDuration, requireDuration, zoneOrUtc } from '../../rules/eligibility';
import type { EmailAction, TaskAction } from '../../rules/rule.schema';
import { checkPromotionAction } from './check-promotion-action';
import { issuePromotions } from './issue-promotions';
import { redeemCoupon } from './redeem-coupon';

/**
 * reinforcing-promotions on the shared engine: a personal code per entry, and the
 * redemption of codes that come back on `order.placed`.
 */
@Injectable()
export class ReinforcingPromotionsMixModule implements MixModule, OnModuleInit {
  readonly name = 'reinforcing-promotions' as const;
  readonly messageKind = 'promotion';
  readonly messageClass = 'marketing' as const;
  readonly spendsMoney = true;
  private readonly logger = new Logger('ReinforcingPromotions');

  constructor(private readonly registry: MixModuleRegistry) {}

  onModuleInit() {
    this.registry.register(this);
  }

  contextRoots(): readonly string[] {
    return ['promotion'];
  }

  checkAction(action: EmailAction | TaskAction): FieldError[] {
    return checkPromotionAction(action);
  }

  /**
   * A code per entry, every rule's in one `issuePromotions` (a wave entering four promotion
   * rules made four). The code is valid for `validFor` from the moment the message is due,
   * so the customer gets the full validity however long the delay; the message expires with
   * the code (a message deferred past it by the cap or quiet hours is cancelled, not sent
   * uselessly).
   */
  async prepareMany(em: EntityManager, groups: PrepareGroup[]): Promise<Prepared[][]> {
    const requests = groups.flatMap(({ entries, action }) => {
      const promotion = action.promotion;
      if (!promotion) throw new Error('a reinforcing-promotions rule without action.promotion');
      const validFor = requireDuration(promotion.validFor, 'action.promotion.validFor');
      return entries.map((entry) => ({
        dedupeKey: entry.dedupeKey,
        codePrefix: promotion.codePrefix,
        customerId: entry.customer.id,
        ruleId: entry.rule.id,
        discountPercent: promotion.discountPercent,
        // Days and weeks count on the customer's wall clock, like every rule duration.
        expiresAt: addDuration(entry.sendAt, validFor, zoneOrUtc(entry.customer.timezone)),
      }));
    });
    const issued = requests.length > 0 ? await issuePromotions(em, requests) : [];
    let next = 0;
    return groups.map(({ entries }) =>
      issued.slice(next, (next += entries.length)).map((p) => ({
        context: {
          promotion: {
            code: p.code,
            discountPercent: p.discountPercent,
            expiresAt: p.expiresAt.toISOString(),
          },
        },
        expiresAt: p.expiresAt,
      })),
    );
  }

  wantsEvent(event: EntryEvent): boolean {
    return event.type === 'order.placed' && typeof event.properties.couponCode === 'string';
  }

  async onEvent(
    em: EntityManager,
    event: EntryEvent,
    customer: EntryCustomer,
    order: EntryOrder | null,
  ): Promise<void> {
    if (event.type !== 'order.placed') return;
    const outcome = await redeemCoupon(em, event, customer, order);
    if (outcome?.recorded && outcome.decision.status === 'invalid') {
      this.logger.log(
        `coupon ${outcome.code} on event ${event.id} not redeemed: ${outcome.decision.reason}`,
      );
    }
  }
}
