import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { FieldError } from '../common/problem/problem';
import { upsertCustomers, UpsertedCustomer } from '../customers/customer-upsert';
import { isOrderEvent, mergeOrderEvents, OrderEvent } from '../customers/order-projection';
import { applyOrderPatches } from '../customers/order-store';
import { withTransaction } from '../database/transaction';
import { EvaluateQueue } from './evaluate-queue';
import { ValidEvent } from './event.schemas';

export type IngestOutcome =
  | { status: 'accepted' }
  | { status: 'duplicate' }
  | { status: 'rejected'; httpStatus: 409 | 422; detail: string; errors: FieldError[] };

type Query = Pick<EntityManager, 'query'>;

/**
 * Accepts validated events. New customers' profiles, the events (the event id is the
 * idempotency key) and the order projection are stored together; then the new events are
 * handed to the `evaluate` queue. A single event is a batch of one.
 *
 * Round trips are what an event costs on a small machine, so the common case — known
 * customers, no profile, no order — is one INSERT in autocommit, and the row is written
 * as enqueued straight away; only when Redis refuses the jobs is the flag taken back, for
 * the relay to find. (A process dying between commit and add leaves a flagged row without
 * a job: the relay's check for lost jobs finds that one.)
 */
@Injectable()
export class EventIngestionService {
  constructor(
    private readonly db: DataSource,
    private readonly evaluateQueue: EvaluateQueue,
  ) {}

  async ingest(events: ValidEvent[]): Promise<IngestOutcome[]> {
    const needsTransaction = events.some((e) => e.customer || isOrderEvent(e.type));
    const { outcomes, acceptedIds } = needsTransaction
      ? await withTransaction(this.db, (em) => this.store(em, events))
      : await this.store(this.db, events);
    if (
      acceptedIds.length > 0 &&
      !(await this.evaluateQueue.enqueue(acceptedIds, { flagged: true }))
    ) {
      await this.db.query('UPDATE events SET enqueued_at = NULL WHERE id = ANY($1)', [acceptedIds]);
    }
    return outcomes;
  }

  private async store(q: Query, events: ValidEvent[]) {
    const outcomes: IngestOutcome[] = new Array(events.length);

    // An id seen earlier in this batch is a duplicate of it.
    const first: number[] = [];
    const seen = new Set<string>();
    events.forEach((event, i) => {
      if (seen.has(event.id)) outcomes[i] = { status: 'duplicate' };
      else {
        seen.add(event.id);
        first.push(i);
      }
    });

    // Profiles carried by events are upserted before the events that need them — unless the
    // event is a known duplicate, which must change nothing.
    let profiles = new Map<string, UpsertedCustomer>();
    const withProfile = first.filter((i) => events[i].customer);
    if (withProfile.length > 0) {
      const known = await q.query<{ id: string }[]>('SELECT id FROM events WHERE id = ANY($1)', [
        withProfile.map((i) => events[i].id),
      ]);
      const duplicates = new Set(known.map((row) => row.id));
      profiles = await upsertCustomers(
        q as EntityManager,
        withProfile
          .filter((i) => !duplicates.has(events[i].id))
          .map((i) => ({ externalId: events[i].customerId, profile: events[i].customer! })),
      );
    }

    // One statement stores every event whose customer is known and not erased.
    const inserted = await q.query<{ id: string; customer_id: string }[]>(
      `INSERT INTO events (id, type, customer_id, occurred_at, properties, enqueued_at)
       SELECT t.id, t.type, c.id, t.occurred_at, t.properties, now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[])
              AS t(id, type, customer, occurred_at, properties)
         JOIN customers c ON c.external_id = t.customer AND c.erased_at IS NULL
       ON CONFLICT (id) DO NOTHING RETURNING id, customer_id`,
      [
        first.map((i) => events[i].id),
        first.map((i) => events[i].type),
        first.map((i) => events[i].customerId),
        first.map((i) => events[i].occurredAt),
        first.map((i) => JSON.stringify(events[i].properties)),
      ],
    );
    const customerOf = new Map(inserted.map((row) => [row.id, row.customer_id]));
    const rest = first.filter((i) => !customerOf.has(events[i].id));
    for (const i of first) if (customerOf.has(events[i].id)) outcomes[i] = { status: 'accepted' };
    if (rest.length > 0) await this.classifyRest(q, events, rest, profiles, outcomes);

    // Orders and customer statistics follow from the events that are new.
    const orderEvents: OrderEvent[] = [];
    for (const i of first) {
      const event = events[i];
      const customerId = customerOf.get(event.id);
      if (customerId && isOrderEvent(event.type)) {
        orderEvents.push({
          type: event.type,
          customerId,
          occurredAt: event.occurredAt,
          properties: event.properties,
        });
      }
    }
    await applyOrderPatches(q as EntityManager, [...mergeOrderEvents(orderEvents).values()]);

    return { outcomes, acceptedIds: inserted.map((row) => row.id) };
  }

  /** Why the events that were not stored were not: duplicate, bad profile, unknown or erased customer. */
  private async classifyRest(
    q: Query,
    events: ValidEvent[],
    rest: number[],
    profiles: Map<string, UpsertedCustomer>,
    outcomes: IngestOutcome[],
  ) {
    const [known, customers] = [
      await q.query<{ id: string }[]>('SELECT id FROM events WHERE id = ANY($1)', [
        rest.map((i) => events[i].id),
      ]),
      await q.query<{ external_id: string; erased: boolean }[]>(
        'SELECT external_id, erased_at IS NOT NULL AS erased FROM customers WHERE external_id = ANY($1)',
        [rest.map((i) => events[i].customerId)],
      ),
    ];
    const duplicates = new Set(known.map((row) => row.id));
    const erased = new Map(customers.map((row) => [row.external_id, row.erased]));
    for (const i of rest) {
      const event = events[i];
      const profileError = event.customer ? profiles.get(event.customerId)?.error : undefined;
      if (duplicates.has(event.id)) {
        outcomes[i] = { status: 'duplicate' };
      } else if (profileError) {
        outcomes[i] = {
          status: 'rejected',
          httpStatus: profileError.status,
          detail: profileError.detail,
          errors: profileError.errors.map((e) => ({
            path: e.path === 'customerId' ? 'customerId' : `customer.${e.path}`,
            message: e.message,
          })),
        };
      } else if (!erased.has(event.customerId)) {
        outcomes[i] = {
          status: 'rejected',
          httpStatus: 422,
          detail: `customer ${event.customerId} is unknown`,
          errors: [
            {
              path: 'customerId',
              message:
                'unknown customer: send a `customer` profile with the event or PUT the customer first',
            },
          ],
        };
      } else {
        outcomes[i] = {
          status: 'rejected',
          httpStatus: 409,
          detail: `customer ${event.customerId} was erased`,
          errors: [{ path: 'customerId', message: 'customer was erased' }],
        };
      }
    }
  }
}
