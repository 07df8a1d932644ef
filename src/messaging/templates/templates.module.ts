import { DynamicModule, Module } from '@nestjs/common';
import { CustomersModule } from '../../customers/customers.module';
import { DefaultTemplatesLoader } from './default-templates.loader';
import { TemplateEnvironment } from './handlebars-env';
import { TemplateRenderer } from './template-renderer';
import { TemplateStore } from './template-store';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/**
 * Templates: the API to save and preview them (HTTP role), the renderer every sender uses, and
 * the loader that stores the shipped defaults at boot. Import the class itself (no `register`)
 * to get the renderer without the controller.
 */
@Module({
  imports: [CustomersModule],
  providers: [
    { provide: TemplateEnvironment, useFactory: () => new TemplateEnvironment() },
    TemplateStore,
    TemplateRenderer,
    TemplatesService,
    DefaultTemplatesLoader,
  ],
  exports: [TemplateRenderer, TemplateStore, TemplateEnvironment],
})
export class TemplatesModule {
  static register(roles: { http: boolean }): DynamicModule {
    return {
      module: TemplatesModule,
      controllers: roles.http ? [TemplatesController] : [],
    };
  }
}
