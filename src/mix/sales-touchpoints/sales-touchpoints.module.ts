import { DynamicModule, Module } from '@nestjs/common';
import { OverdueTaskWatcher } from './overdue-task-watcher';
import { SalesTouchpointsMixModule } from './sales-touchpoints.mix-module';
import { TaskCompletion } from './task-completion';
import { TaskCreator } from './task-creator';
import { TaskNoticeJob } from './task-notice-job';
import { TaskNotifier } from './task-notifier';
import { TaskQueries } from './task-queries';
import { TasksController } from './tasks.controller';

/**
 * The sales-touchpoints mix module: task actions and value summaries on the shared rule
 * engine, the tasks API (HTTP role), task digests, reminders and escalations (worker role).
 * Global so the engine's run executor can reach TaskNotifier without importing this module.
 */
@Module({})
export class SalesTouchpointsModule {
  static register(roles: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: SalesTouchpointsModule,
      global: true,
      controllers: roles.http ? [TasksController] : [],
      providers: [
        SalesTouchpointsMixModule,
        TaskCreator,
        TaskNotifier,
        TaskQueries,
        TaskCompletion,
        ...(roles.worker ? [TaskNoticeJob, OverdueTaskWatcher] : []),
      ],
      exports: [TaskNotifier],
    };
  }
}
