import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { QUEUES } from '../common/queue/queues';
import { CustomerValueService } from './value/customer-value.service';
import { ValueTiersController } from './value/value-tiers.controller';
import { ValueTiersProcessor } from './value/value-tiers.processor';
import { ValueTiersQueue, ValueTiersSchedule } from './value/value-tiers-schedule';

/**
 * Analytics: customer value (tiers, CLV, RFM) refreshed on arrival and recomputed nightly.
 * Global, so the rule engine's evaluator can refresh a customer before rules run.
 */
@Module({})
export class AnalyticsModule {
  static register(roles: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: AnalyticsModule,
      global: true,
      imports: roles.worker ? [BullModule.registerQueue({ name: QUEUES.analytics.name })] : [],
      controllers: roles.http ? [ValueTiersController] : [],
      providers: [
        CustomerValueService,
        ValueTiersQueue,
        ...(roles.worker ? [ValueTiersSchedule, ValueTiersProcessor] : []),
      ],
      exports: [CustomerValueService, ValueTiersQueue],
    };
  }
}
