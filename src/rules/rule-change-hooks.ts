import { Injectable, Logger } from '@nestjs/common';
import type { RuleRow } from './rule.view';

type Listener = (rule: RuleRow) => Promise<void>;

/**
 * Who must hear of a saved rule besides the cache: the job schedulers of schedule rules.
 * Listeners register at start-up, so the rules API depends on none of them.
 */
@Injectable()
export class RuleChangeHooks {
  private readonly logger = new Logger(RuleChangeHooks.name);
  private readonly listeners: Listener[] = [];

  add(listener: Listener) {
    this.listeners.push(listener);
  }

  async changed(rule: RuleRow) {
    for (const listener of this.listeners) {
      try {
        await listener(rule);
      } catch (error) {
        // The rule is saved; the worker's boot-time sync repairs a scheduler we could not set.
        this.logger.error(`after saving rule ${rule.id}: ${(error as Error).message}`);
      }
    }
  }
}
