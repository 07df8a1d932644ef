import { DynamicModule, Module } from '@nestjs/common';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';
import { CheckInAnswersService } from './check-in-answers.service';
import { CheckInPageController } from './check-in-page.controller';
import { CheckInsController } from './check-ins.controller';
import { ManualCheckInsService } from './manual-check-ins.service';
import { PostPurchaseMixModule } from './post-purchase.mix-module';

/**
 * The post-purchase mix module: its rule action (check-ins) on the shared engine in every
 * role; the public check-in pages and the support API (check-ins by hand, cases) in the
 * http role. It has no queue of its own: its emails go through messaging, its events
 * through the engine's evaluate queue.
 */
@Module({})
export class PostPurchaseModule {
  static register(roles: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: PostPurchaseModule,
      controllers: roles.http ? [CheckInPageController, CheckInsController, CasesController] : [],
      providers: [
        PostPurchaseMixModule,
        ...(roles.http ? [CheckInAnswersService, ManualCheckInsService, CasesService] : []),
      ],
    };
  }
}
