import { DynamicModule, Module } from '@nestjs/common';
import { PromotionsController } from './promotions.controller';
import { PromotionsList } from './promotions-list';
import { ReinforcingPromotionsMixModule } from './reinforcing-promotions.mix-module';

/**
 * The reinforcing-promotions mix module: personal codes for customers we already know,
 * their redemption on `order.placed`, and a read API of codes and redemptions.
 */
@Module({})
export class ReinforcingPromotionsModule {
  static register(roles: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: ReinforcingPromotionsModule,
      controllers: roles.http ? [PromotionsController] : [],
      // Both roles: the API validates rules with it, the worker issues and redeems codes.
      providers: [ReinforcingPromotionsMixModule, ...(roles.http ? [PromotionsList] : [])],
    };
  }
}
