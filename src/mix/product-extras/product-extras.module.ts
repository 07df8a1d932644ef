import { DynamicModule, Module } from '@nestjs/common';
import { ProductExtrasMixModule } from './product-extras.mix-module';

/**
 * The product-extras mix module: offers the accessories, warranties, services, upgrades and
 * consumables that go with what a customer bought. It has no API of its own: its rules are
 * made through the rules API and its offers are messages.
 */
@Module({})
export class ProductExtrasModule {
  static register(_roles: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: ProductExtrasModule,
      // Both roles: the API validates rules with it, the worker prepares offers with it.
      providers: [ProductExtrasMixModule],
    };
  }
}
