import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { QUEUES } from '../../common/queue/queues';
import { RuleRunsController } from './rule-runs.controller';
import { RuleRuns } from './rule-runs.service';
import { RunExecutor } from './run-executor';
import { ExecuteRunProcessor } from './execute-run.processor';
import { RunReconciler } from './run-reconciler';
import { RuleSchedules } from '../schedules/rule-schedules.service';
import { RuleTickProcessor } from '../schedules/rule-tick.processor';

/**
 * Schedule and manual rule runs: the run API (HTTP role), job schedulers kept in step with the
 * rules (both roles: the API saves rules), and the tick and run processors plus the
 * reconciler (worker role). Uses the rule engine's global providers (EntryExecutor,
 * MixModuleRegistry, RuleChangeHooks).
 */
@Module({})
export class RuleRunsModule {
  static register(roles: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: RuleRunsModule,
      imports: roles.worker
        ? [
            BullModule.registerQueue({ name: QUEUES.ruleTicks.name }),
            BullModule.registerQueue({ name: QUEUES.ruleRuns.name }),
          ]
        : [],
      controllers: roles.http ? [RuleRunsController] : [],
      providers: [
        RuleRuns,
        RuleSchedules,
        ...(roles.worker
          ? [RunExecutor, ExecuteRunProcessor, RuleTickProcessor, RunReconciler]
          : []),
      ],
      exports: [RuleRuns, RuleSchedules],
    };
  }
}
