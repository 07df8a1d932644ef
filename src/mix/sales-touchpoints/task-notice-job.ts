import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '../../common/periodic-task';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { TaskNotifier } from './task-notifier';

/** Advisory lock: one worker at a time sends task digests. */
const NOTICE_LOCK = 727_310;

/**
 * Digests for tasks that no run end announces — the ones events create — every
 * TASK_NOTICE_INTERVAL_MS in the worker. Also the safety net for a run whose process died
 * before it could send its own digests.
 */
@Injectable()
export class TaskNoticeJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    db: DataSource,
    notifier: TaskNotifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask('TaskNotices', NOTICE_LOCK, db, () => notifier.notifyPending());
  }

  onApplicationBootstrap() {
    this.task.start(this.config.tasks.noticeIntervalMs);
  }

  onApplicationShutdown() {
    return this.task.stop();
  }

  runOnce() {
    return this.task.runOnce();
  }
}
