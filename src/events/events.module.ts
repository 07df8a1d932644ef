import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { QUEUES } from '../common/queue/queues';
import { CustomersModule } from '../customers/customers.module';
import { EvaluateProcessor } from './evaluate.processor';
import { EventIngestionService } from './event-ingestion.service';
import { EventRelayService } from './event-relay.service';
import { EventsCoreModule } from './events-core.module';
import { EventsController } from './events.controller';

/** Ingestion (HTTP side) and the `evaluate` consumer plus the relay (worker side). */
@Module({})
export class EventsModule {
  static register(roles: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: EventsModule,
      imports: [
        CustomersModule,
        EventsCoreModule,
        ...(roles.worker ? [BullModule.registerQueue({ name: QUEUES.evaluate.name })] : []),
      ],
      controllers: roles.http ? [EventsController] : [],
      providers: [
        EventIngestionService,
        ...(roles.worker ? [EvaluateProcessor, EventRelayService] : []),
      ],
      exports: [EventIngestionService],
    };
  }
}
