import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { dataSourceOptions } from './data-source-options';

/**
 * Provides the TypeORM DataSource, injected by its class. We do not use @nestjs/typeorm:
 * all we need is one initialised DataSource closed at shutdown, and its v12 ships as an ES
 * module that Jest on Node 20 cannot load.
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new DataSource(dataSourceOptions(config.databaseUrl, config.databasePoolSize)).initialize(),
    },
  ],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async onApplicationShutdown() {
    if (this.db.isInitialized) await this.db.destroy();
  }
}
