import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { Prepared } from '../../rules/engine/entry';
import type { MixModule, PrepareGroup } from '../../rules/engine/mix-module';
import { MixModuleRegistry } from '../../rules/engine/mix-module-registry';
import type { EmailAction, RuleInput, TaskAction } from '../../rules/rule.schema';
import { checkInLinks } from './check-in-links';
import { insertCheckIns } from './check-in-store';
import { checkPostPurchaseAction, postPurchaseContextRoots } from './post-purchase-action';

/**
 * post-purchase on the shared engine: its rules email the customer after a purchase, and
 * with `checkIn: true` each email carries a check-in the customer can answer in one click.
 * Check-ins are service messages — they come before offers and need no marketing consent,
 * but still respect unsubscribes from everything and hard bounces.
 */
@Injectable()
export class PostPurchaseMixModule implements MixModule, OnModuleInit {
  readonly name = 'post-purchase' as const;
  readonly messageKind = 'check-in';
  readonly messageClass = 'service' as const;
  readonly spendsMoney = false;

  constructor(
    private readonly registry: MixModuleRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit() {
    this.registry.register(this);
  }

  contextRoots(rule: RuleInput): readonly string[] {
    return postPurchaseContextRoots(rule);
  }

  checkAction(action: EmailAction | TaskAction) {
    return checkPostPurchaseAction(action);
  }

  /**
   * One check-in per entry of a rule that asks for them, keyed by the entry's dedupe key (a
   * retried job gets the same links), every rule's in one insert.
   */
  async prepareMany(em: EntityManager, groups: PrepareGroup[]): Promise<Prepared[][]> {
    const asking = groups.filter((g) => g.action.checkIn === true).flatMap((g) => g.entries);
    const ids =
      asking.length === 0
        ? new Map<string, string>()
        : await insertCheckIns(
            em,
            asking.map((entry) => ({
              dedupeKey: entry.dedupeKey,
              customerId: entry.customer.id,
              orderId: entry.order?.id ?? null,
              ruleId: entry.rule.id,
              source: 'rule' as const,
            })),
          );
    return groups.map(({ entries, action }) =>
      entries.map((entry) => {
        if (action.checkIn !== true) return { context: {} };
        const id = ids.get(entry.dedupeKey);
        if (!id) throw new Error(`no check-in for entry ${entry.dedupeKey}`);
        return {
          context: {
            checkIn: checkInLinks(this.config.publicBaseUrl, this.config.tokenSecret, id),
          },
        };
      }),
    );
  }
}
