import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import type { FieldError } from '../../common/problem/problem';
import type { Prepared } from '../../rules/engine/entry';
import type { MixModule, PrepareGroup } from '../../rules/engine/mix-module';
import { MixModuleRegistry } from '../../rules/engine/mix-module-registry';
import type { EmailAction, TaskAction } from '../../rules/rule.schema';
import { checkExtrasAction } from './check-extras-action';
import { loadExtrasFacts } from './extras-facts';
import { extrasOptions } from './pick-extras';
import { planOffers } from './plan-offers';

/** product-extras on the shared engine: picks the extras each offer shows. */
@Injectable()
export class ProductExtrasMixModule implements MixModule, OnModuleInit {
  readonly name = 'product-extras' as const;
  readonly messageKind = 'offer';
  readonly messageClass = 'marketing' as const;
  readonly spendsMoney = true;
  constructor(
    private readonly registry: MixModuleRegistry,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.registry.register(this);
  }

  contextRoots(): readonly string[] {
    return ['extras'];
  }

  checkAction(action: EmailAction | TaskAction): FieldError[] {
    return checkExtrasAction(action);
  }

  /**
   * The offers of every rule of the wave, from one read of the facts. Extras offered in the
   * last 30 days are left out, and so are those an earlier rule of the same wave offers the
   * customer (as if its message were stored already).
   */
  async prepareMany(em: EntityManager, groups: PrepareGroup[]): Promise<Prepared[][]> {
    const offers = groups.map(({ entries }) =>
      entries.map((entry) => ({
        customerId: entry.customer.id,
        dedupeKey: entry.dedupeKey,
        orderSkus: entry.order ? entry.order.items.map((item) => item.sku) : null,
      })),
    );
    const all = offers.flat();
    if (all.length === 0) return groups.map(() => []);
    const facts = await loadExtrasFacts(
      em,
      [...new Set(all.map((e) => e.customerId))],
      [...new Set(all.flatMap((e) => e.orderSkus ?? []))],
      this.clock.now(),
    );
    const offeredInWave = new Map<string, Set<string>>();
    return groups.map(({ action }, i) =>
      planOffers(offers[i], facts, extrasOptions(action), offeredInWave),
    );
  }
}
