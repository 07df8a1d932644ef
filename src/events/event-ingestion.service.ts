import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { FieldError } from '../common/problem/problem';
import { upsertCustomers } from '../customers/customer-upsert';
import { isOrderEvent, mergeOrderEvents, OrderEvent } from '../customers/order-projection';
import { applyOrderPatches } from '../customers/order-store';
import { withTransaction } from '../database/transaction';
import { EvaluateQueue } from './evaluate-queue';
import { ValidEvent } from './event.schemas';

export type IngestOutcome =
  | { status: 'accepted' }
  | { status: 'duplicate' }
  | { status: 'rejected'; httpStatus: 409 | 422; detail: string; errors: FieldError[] };

/**
 * Accepts validated events: one transaction stores new customers' profiles, the events
 * (the event id is the idempotency key) and the order projection; after the commit the
 * new events are handed to the `evaluate` queue. A single event is a batch of one.
 */
@Injectable()
export class EventIngestionService {
  constructor(
    private readonly db: DataSource,
    private readonly evaluateQueue: EvaluateQueue,
  ) {}

  async ingest(events: ValidEvent[]): Promise<IngestOutcome[]> {
    const { outcomes, acceptedIds } = await withTransaction(this.db, (em) =>
      this.store(em, events),
    );
    await this.evaluateQueue.enqueue(acceptedIds);
    return outcomes;
  }

  private async store(em: EntityManager, events: ValidEvent[]) {
    const outcomes: IngestOutcome[] = new Array(events.length);
    const reject = (i: number, httpStatus: 409 | 422, detail: string, errors: FieldError[]) => {
      outcomes[i] = { status: 'rejected', httpStatus, detail, errors };
    };

    // 1. Ids seen before, or earlier in this batch, are duplicates and change nothing.
    const known = await em.query<{ id: string }[]>('SELECT id FROM events WHERE id = ANY($1)', [
      [...new Set(events.map((e) => e.id))],
    ]);
    const seen = new Set(known.map((row) => row.id));
    const fresh: number[] = [];
    events.forEach((event, i) => {
      if (seen.has(event.id)) outcomes[i] = { status: 'duplicate' };
      else {
        seen.add(event.id);
        fresh.push(i);
      }
    });

    // 2. Profiles carried by events are upserted before the events that need them.
    const upserted = await upsertCustomers(
      em,
      fresh
        .filter((i) => events[i].customer)
        .map((i) => ({ externalId: events[i].customerId, profile: events[i].customer! })),
    );

    // 3. Every event needs a known, not erased customer.
    const customerIds = await em.query<{ id: string; external_id: string; erased: boolean }[]>(
      'SELECT id, external_id, erased_at IS NOT NULL AS erased FROM customers WHERE external_id = ANY($1)',
      [[...new Set(fresh.map((i) => events[i].customerId))]],
    );
    const customers = new Map(customerIds.map((row) => [row.external_id, row]));
    const ready: { index: number; customerId: string }[] = [];
    for (const i of fresh) {
      const event = events[i];
      const profileError = upserted.get(event.customerId)?.error;
      const customer = customers.get(event.customerId);
      if (profileError && event.customer) {
        reject(
          i,
          profileError.status,
          profileError.detail,
          profileError.errors.map((e) => ({
            path: e.path === 'customerId' ? 'customerId' : `customer.${e.path}`,
            message: e.message,
          })),
        );
      } else if (!customer) {
        reject(i, 422, `customer ${event.customerId} is unknown`, [
          {
            path: 'customerId',
            message:
              'unknown customer: send a `customer` profile with the event or PUT the customer first',
          },
        ]);
      } else if (customer.erased) {
        reject(i, 409, `customer ${event.customerId} was erased`, [
          { path: 'customerId', message: 'customer was erased' },
        ]);
      } else {
        ready.push({ index: i, customerId: customer.id });
      }
    }

    // 4. Insert; a concurrent request with the same id may have won the race since step 1.
    const inserted = new Set<string>();
    if (ready.length > 0) {
      const rows = await em.query<{ id: string }[]>(
        `INSERT INTO events (id, type, customer_id, occurred_at, properties)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::jsonb[])
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          ready.map((r) => events[r.index].id),
          ready.map((r) => events[r.index].type),
          ready.map((r) => r.customerId),
          ready.map((r) => events[r.index].occurredAt),
          ready.map((r) => JSON.stringify(events[r.index].properties)),
        ],
      );
      for (const row of rows) inserted.add(row.id);
    }
    for (const { index } of ready) {
      outcomes[index] = { status: inserted.has(events[index].id) ? 'accepted' : 'duplicate' };
    }

    // 5. Orders and customer statistics follow from the events that are new.
    const orderEvents: OrderEvent[] = [];
    for (const { index, customerId } of ready) {
      const event = events[index];
      if (inserted.has(event.id) && isOrderEvent(event.type)) {
        orderEvents.push({
          type: event.type,
          customerId,
          occurredAt: event.occurredAt,
          properties: event.properties,
        });
      }
    }
    await applyOrderPatches(em, [...mergeOrderEvents(orderEvents).values()]);

    return {
      outcomes,
      acceptedIds: ready.map((r) => events[r.index].id).filter((id) => inserted.has(id)),
    };
  }
}
