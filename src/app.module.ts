import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ReportsModule } from './analytics/reports/reports.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuthModule } from './common/auth/auth.module';
import { ClockModule } from './common/clock';
import { HealthController } from './common/health/health.controller';
import { loggerParams } from './common/logging/logging';
import { ProblemFilter } from './common/problem/problem.filter';
import { QueueModule } from './common/queue/queue.module';
import { redisOptions } from './common/redis/redis-options';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CustomersModule } from './customers/customers.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { MessagingModule } from './messaging/messaging.module';
import { PostPurchaseModule } from './mix/post-purchase/post-purchase.module';
import { ProductExtrasModule } from './mix/product-extras/product-extras.module';
import { ReinforcingPromotionsModule } from './mix/reinforcing-promotions/reinforcing-promotions.module';
import { SalesTouchpointsModule } from './mix/sales-touchpoints/sales-touchpoints.module';
import { RulesModule } from './rules/rules.module';
import { MetricsModule } from './common/metrics/metrics.module';
import { MetricsController } from './common/metrics/metrics.controller';

/**
 * The application, assembled for a role: `api` serves HTTP, `worker` runs the queue
 * processors and relays, `all` does both in one process (small installs, `npm start`).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, role: 'api' | 'worker' | 'all' = config.role): DynamicModule {
    const http = role !== 'worker';
    const worker = role !== 'api';
    const events = EventsModule.register({ http, worker });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        DatabaseModule,
        QueueModule,
        ClockModule,
        MetricsModule,
        BullModule.forRoot({
          connection: redisOptions(config.redisUrl, 'worker'),
          prefix: config.queuePrefix,
        }),
        ...(http ? [AuthModule] : []),
        CustomersModule.register({ http }),
        events,
        MessagingModule.register({ http, worker }),
        RulesModule.register({ http, worker }),
        AnalyticsModule.register({ http, worker }),
        PostPurchaseModule.register({ http, worker }),
        ProductExtrasModule.register({ http, worker }),
        ReinforcingPromotionsModule.register({ http, worker }),
        SalesTouchpointsModule.register({ http, worker }),
        ReportsModule.register({ http }),
      ],
      controllers: http ? [HealthController, MetricsController] : [],
      providers: http ? [{ provide: APP_FILTER, useClass: ProblemFilter }] : [],
    };
  }
}
