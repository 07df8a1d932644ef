import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import type { FieldError } from '../../common/problem/problem';
import type { Entry, Prepared } from '../../rules/engine/entry';
import type { MixModule } from '../../rules/engine/mix-module';
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
  // Leaves out extras offered in the last 30 days, by this wave's other rules too.
  readonly prepareReadsMessages = true;

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

  async prepare(em: EntityManager, entries: Entry[], action: EmailAction): Promise<Prepared[]> {
    if (entries.length === 0) return [];
    const offerEntries = entries.map((entry) => ({
      customerId: entry.customer.id,
      dedupeKey: entry.dedupeKey,
      orderSkus: entry.order ? entry.order.items.map((item) => item.sku) : null,
    }));
    const facts = await loadExtrasFacts(
      em,
      [...new Set(offerEntries.map((e) => e.customerId))],
      [...new Set(offerEntries.flatMap((e) => e.orderSkus ?? []))],
      this.clock.now(),
    );
    return planOffers(offerEntries, facts, extrasOptions(action));
  }
}
