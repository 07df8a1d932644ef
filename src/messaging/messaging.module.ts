import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { QUEUES } from '../common/queue/queues';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DeliverPromoter } from './delivery/deliver-promoter';
import { DeliverQueue } from './delivery/deliver-queue';
import { DeliverProcessor } from './delivery/deliver.processor';
import { DeliveryMetrics } from './delivery/delivery-metrics';
import { DeliveryReconciler } from './delivery/delivery-reconciler';
import { DeliveryService } from './delivery/delivery.service';
import { MessagesController } from './messages/messages.controller';
import { MessagesService } from './messages/messages.service';
import { TestSendController } from './messages/test-send.controller';
import { TemplatesModule } from './templates/templates.module';
import { MAIL_TRANSPORT, MailTransport } from './transport/mail-transport';
import { createMailTransport } from './transport/transport.factory';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';

/**
 * Turns "this customer should get this message at this time" into an email that arrives
 * once: templates, message rows, the `deliver` queue and its worker, transports, consent.
 */
@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(@Inject(MAIL_TRANSPORT) private readonly transport: MailTransport) {}

  static register(roles: { http: boolean; worker: boolean }): DynamicModule {
    const templates = TemplatesModule.register(roles);
    return {
      module: MessagingModule,
      // Every feature schedules messages; the mix modules and the rule engine need templates.
      global: true,
      imports: [
        templates,
        ...(roles.worker ? [BullModule.registerQueue({ name: QUEUES.deliver.name })] : []),
      ],
      controllers: roles.http
        ? [MessagesController, UnsubscribeController, TestSendController]
        : [],
      providers: [
        MessagesService,
        DeliverQueue,
        DeliveryMetrics,
        UnsubscribeService,
        {
          provide: MAIL_TRANSPORT,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => createMailTransport(config),
        },
        ...(roles.worker
          ? [DeliveryService, DeliverProcessor, DeliveryReconciler, DeliverPromoter]
          : []),
      ],
      exports: [MessagesService, DeliverQueue, templates],
    };
  }

  onApplicationShutdown() {
    return this.transport.close();
  }
}
