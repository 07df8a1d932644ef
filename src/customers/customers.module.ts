import { DynamicModule, Module } from '@nestjs/common';
import { AccountsController, ProductsController } from './accounts.controller';
import { AccountsProductsService } from './accounts-products.service';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

@Module({
  providers: [CustomersService, AccountsProductsService],
  exports: [CustomersService, AccountsProductsService],
})
export class CustomersModule {
  static register(roles: { http: boolean }): DynamicModule {
    return {
      module: CustomersModule,
      controllers: roles.http ? [CustomersController, AccountsController, ProductsController] : [],
    };
  }
}
