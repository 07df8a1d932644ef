import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { redisOptions } from '../common/redis/redis-options';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { ActiveRule } from './engine/entry';
import type { RuleDefinition, RuleModule } from './rule.schema';

interface ActiveRules {
  byTrigger: Map<string, ActiveRule[]>;
  byGoal: Map<string, ActiveRule[]>;
  loadedAt: number;
}

/**
 * The active rules, by the event type that triggers them and by their goal event: read once
 * and kept, because every event asks. A change anywhere is published on Redis and every
 * process drops its copy at once; the copy is also dropped after `RULE_CACHE_TTL_MS` and
 * whenever the subscription reconnects, so a message lost while Redis was away costs a few
 * seconds of staleness, not forever.
 */
@Injectable()
export class RuleCache implements OnApplicationShutdown {
  private readonly logger = new Logger(RuleCache.name);
  private current: Promise<ActiveRules> | null = null;
  private subscriber: Redis | null = null;
  private publisher: Redis | null = null;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async forEvent(type: string): Promise<ActiveRule[]> {
    return (await this.rules()).byTrigger.get(type) ?? [];
  }

  async forGoal(type: string): Promise<ActiveRule[]> {
    return (await this.rules()).byGoal.get(type) ?? [];
  }

  /** After a rule changed: this process at once, the others when the message arrives. */
  async changed() {
    this.current = null;
    try {
      await (await this.redisPublisher()).publish(this.channel, String(Date.now()));
    } catch (error) {
      this.logger.warn(`could not announce a rule change: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown() {
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  private get channel() {
    return `${this.config.queuePrefix}:rules-changed`;
  }

  private rules(): Promise<ActiveRules> {
    this.subscribe();
    const cached = this.current;
    if (cached) {
      // A stale copy is refreshed in the background of the next caller, not awaited twice.
      return cached.then((rules) =>
        Date.now() - rules.loadedAt > this.config.ruleCacheTtlMs ? this.reload() : rules,
      );
    }
    return this.reload();
  }

  private reload(): Promise<ActiveRules> {
    const loading = this.load();
    this.current = loading;
    loading.catch(() => {
      if (this.current === loading) this.current = null;
    });
    return loading;
  }

  private async load(): Promise<ActiveRules> {
    const rows = await this.db.query<
      {
        id: string;
        name: string;
        module: RuleModule;
        version: number;
        trigger_event: string | null;
        goal_event: string | null;
        definition: RuleDefinition;
      }[]
    >(
      `SELECT id, name, module, version, trigger_event, goal_event, definition
         FROM rules WHERE status = 'active' AND (trigger_event IS NOT NULL OR goal_event IS NOT NULL)
        ORDER BY created_at, id`,
    );
    const byTrigger = new Map<string, ActiveRule[]>();
    const byGoal = new Map<string, ActiveRule[]>();
    const add = (map: Map<string, ActiveRule[]>, key: string, rule: ActiveRule) =>
      map.set(key, [...(map.get(key) ?? []), rule]);
    for (const row of rows) {
      const rule: ActiveRule = {
        id: row.id,
        name: row.name,
        module: row.module,
        version: row.version,
        definition: row.definition,
      };
      if (row.trigger_event) add(byTrigger, row.trigger_event, rule);
      if (row.goal_event) add(byGoal, row.goal_event, rule);
    }
    return { byTrigger, byGoal, loadedAt: Date.now() };
  }

  private subscribe() {
    if (this.subscriber) return;
    const subscriber = new Redis({
      ...redisOptions(this.config.redisUrl, 'worker'),
      lazyConnect: true,
    });
    this.subscriber = subscriber;
    subscriber.on('message', () => {
      this.current = null;
    });
    // Whatever was published while we were disconnected is lost: start afresh.
    subscriber.on('ready', () => {
      this.current = null;
    });
    subscriber.on('error', () => undefined);
    subscriber.subscribe(this.channel).catch((error: Error) => {
      this.logger.warn(`rule change subscription failed: ${error.message}`);
    });
  }

  private async redisPublisher() {
    if (!this.publisher) {
      this.publisher = new Redis({
        ...redisOptions(this.config.redisUrl, 'producer'),
        lazyConnect: true,
      });
      this.publisher.on('error', () => undefined);
    }
    // Fail-fast options refuse commands until connected: connect first (at most 2 s).
    if (this.publisher.status === 'wait') await this.publisher.connect();
    return this.publisher;
  }
}
