import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FieldError } from '../../common/problem/problem';
import type { Entry, Prepared } from '../../rules/engine/entry';
import type { MixModule, PrepareGroup, TaskOutcome } from '../../rules/engine/mix-module';
import { MixModuleRegistry } from '../../rules/engine/mix-module-registry';
import type { EmailAction, RuleInput, TaskAction } from '../../rules/rule.schema';
import { completedTaskContexts } from './completed-task-context';
import { checkSalesAction, salesContextRoots } from './task-action-check';
import { TaskCreator } from './task-creator';
import { TaskNotifier } from './task-notifier';

/**
 * sales-touchpoints on the shared engine: `task` actions make one task per account for its
 * owner; email rules on `task.completed` get the completed task as `task` (the value summary
 * the engine sends to every stakeholder with `to: "account-stakeholders"`).
 */
@Injectable()
export class SalesTouchpointsMixModule implements MixModule, OnModuleInit {
  readonly name = 'sales-touchpoints' as const;
  readonly messageKind = 'summary';
  readonly messageClass = 'marketing' as const;
  readonly spendsMoney = false;

  constructor(
    private readonly registry: MixModuleRegistry,
    private readonly creator: TaskCreator,
    private readonly notifier: TaskNotifier,
  ) {}

  onModuleInit() {
    this.registry.register(this);
  }

  contextRoots(rule: RuleInput): readonly string[] {
    return salesContextRoots(rule);
  }

  checkAction(action: EmailAction | TaskAction, rule: RuleInput): FieldError[] {
    return checkSalesAction(action, rule);
  }

  /** The completed task, for the entries of every rule whose template reads `task`: one read. */
  async prepareMany(em: EntityManager, groups: PrepareGroup[]): Promise<Prepared[][]> {
    const wantsTask = (e: Entry) => salesContextRoots(e.rule.definition).includes('task');
    const withTask = groups.flatMap((g) => g.entries.filter(wantsTask));
    const contexts = withTask.length ? await completedTaskContexts(em, withTask) : [];
    let next = 0;
    return groups.map((g) =>
      g.entries.map((e) => (wantsTask(e) ? contexts[next++] : { context: {} })),
    );
  }

  createTasks(em: EntityManager, entries: Entry[], action: TaskAction): Promise<TaskOutcome> {
    return this.creator.create(em, entries, action);
  }

  /** The run's tasks are all made: each owner gets one digest of theirs now. */
  async onRunFinished(runId: string): Promise<void> {
    await this.notifier.notifyPending({ runId });
  }
}
