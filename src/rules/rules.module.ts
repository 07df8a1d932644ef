import { DynamicModule, Module } from '@nestjs/common';
import { EVENT_INTEREST } from '../events/event-interest';
import { EntryExecutor } from './engine/entry-executor';
import { EventEvaluator } from './engine/event-evaluator';
import { MixModuleRegistry } from './engine/mix-module-registry';
import { SkipCounter } from './engine/skip-counter';
import { GoalTracker } from './goals/goal-tracker';
import { RuleCache } from './rule-cache';
import { RuleChangeHooks } from './rule-change-hooks';
import { RuleStatsService } from './rule-stats.service';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';
import { RuleRunsModule } from './runs/runs.module';

/**
 * The shared rule engine: rules and their API, triggers, conditions, eligibility, audiences,
 * goals. Global, so the mix modules can register with it and use its services.
 */
@Module({})
export class RulesModule {
  static register(roles: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: RulesModule,
      global: true,
      imports: [RuleRunsModule.register(roles)],
      controllers: roles.http ? [RulesController] : [],
      providers: [
        MixModuleRegistry,
        RuleCache,
        RuleChangeHooks,
        RulesService,
        RuleStatsService,
        EntryExecutor,
        GoalTracker,
        SkipCounter,
        EventEvaluator,
        { provide: EVENT_INTEREST, useExisting: EventEvaluator },
      ],
      exports: [
        EVENT_INTEREST,
        MixModuleRegistry,
        RuleCache,
        RuleChangeHooks,
        RulesService,
        EntryExecutor,
        SkipCounter,
        EventEvaluator,
      ],
    };
  }
}
