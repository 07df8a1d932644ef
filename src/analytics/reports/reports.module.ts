import { DynamicModule, Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** The retention reports: HTTP only, nothing for workers. */
@Module({})
export class ReportsModule {
  static register(roles: { http: boolean }): DynamicModule {
    return {
      module: ReportsModule,
      controllers: roles.http ? [ReportsController] : [],
      providers: roles.http ? [ReportsService] : [],
    };
  }
}
