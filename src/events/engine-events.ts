import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EvaluateQueue } from './evaluate-queue';

export interface EngineEvent {
  /** Deterministic, so emitting the same fact twice stores it once. */
  id: string;
  type: 'check_in.answered' | 'case.opened' | 'case.resolved' | 'task.completed' | 'message.sent';
  /** Internal customer id. */
  customerId: string;
  properties: Record<string, unknown>;
  occurredAt?: Date;
}

/**
 * The engine's own events, stored and evaluated like the ones sent in, so rules can chain
 * (a `case.resolved` can trigger an apology offer) without special code.
 */
@Injectable()
export class EngineEvents implements OnApplicationShutdown {
  private readonly logger = new Logger(EngineEvents.name);
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly evaluateQueue: EvaluateQueue) {}

  /** Stores the events in the caller's transaction; call `enqueue` after it commits. */
  async insert(em: EntityManager, events: EngineEvent[]) {
    if (events.length === 0) return;
    await em.query(
      `INSERT INTO events (id, type, customer_id, occurred_at, properties, source)
       SELECT id, type, customer_id, occurred_at, properties, 'engine'
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::jsonb[])
              AS t(id, type, customer_id, occurred_at, properties)
       ON CONFLICT (id) DO NOTHING`,
      [
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => e.customerId),
        events.map((e) => e.occurredAt ?? new Date()),
        events.map((e) => JSON.stringify(e.properties)),
      ],
    );
  }

  enqueue(ids: string[]) {
    return this.evaluateQueue.enqueue(ids);
  }

  /**
   * Queues a stored event within a few milliseconds, together with the others emitted
   * meanwhile: a busy delivery worker emits hundreds of `message.sent` a second, and one
   * bulk add beats hundreds of single ones. Losing the buffer in a crash loses nothing:
   * the rows are committed and the event relay queues what was never queued.
   */
  enqueueSoon(id: string) {
    this.pending.push(id);
    if (this.pending.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /**
   * Never throws: the events are committed already, so a failed add (Redis or Postgres gone,
   * the app shutting down) only leaves them to the event relay, which queues them later.
   */
  async flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = this.pending;
    this.pending = [];
    if (ids.length === 0) return;
    try {
      await this.evaluateQueue.enqueue(ids);
    } catch (error) {
      this.logger.warn(
        `${ids.length} engine event(s) left to the relay: ${(error as Error).message}`,
      );
    }
  }

  onApplicationShutdown() {
    return this.flush();
  }
}

const FLUSH_AT = 500;
const FLUSH_AFTER_MS = 20;
