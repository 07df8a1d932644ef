import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import { QUEUES } from '../../src/common/queue/queues';
import type { MessageRequest } from '../../src/messaging/messages/message-request';
import { MessagesService } from '../../src/messaging/messages/messages.service';
import { SmtpSink } from './smtp-sink';
import { createTestApp, TestApp } from './test-app';

/** The sender every delivery test uses: its domain is the right side of each Message-ID. */
export const MAIL_DOMAIN = 'shop.example.com';
export const MAIL_FROM = `Demo Shop <news@${MAIL_DOMAIN}>`;
export const PUBLIC_BASE_URL = 'https://retention.example.test';

/** The Message-ID header a message must carry: stable, derived from its id. */
export const messageIdHeader = (id: string) => `<${id}@${MAIL_DOMAIN}>`;

/** What suppressions are keyed by, computed here independently of the code under test. */
export const addressHash = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/** A message row as the tests look at it. */
export interface MessageRow {
  id: string;
  status: string;
  reason: string | null;
  attempts: number;
  lastError: string | null;
  providerMessageId: string | null;
  templateVersion: number | null;
  subject: string | null;
  sendAt: Date;
  sentAt: Date | null;
  possibleDuplicate: boolean;
}

export interface HistoryEntry {
  status: string;
  reason: string | null;
  detail: string | null;
  at: string;
}

/** Statuses after which nothing more happens to a message. */
const FINAL = ['sent', 'failed', 'suppressed', 'cancelled', 'held_out'];
/** Reasons a `scheduled` message carries while it waits for a later time on purpose. */
const WAITING = ['frequency_cap', 'quiet_hours', 'send_window', 'open_case', 'priority'];

/** Final, or deferred on purpose: the worker will not touch it again soon. */
export const isSettled = (row: MessageRow) =>
  FINAL.includes(row.status) ||
  (row.status === 'scheduled' && row.reason !== null && WAITING.includes(row.reason));

const unique = () => randomUUID().slice(0, 8);

/** A marketing offer (product-extras) about a customer, due now unless told otherwise. */
export function offer(customerId: string, overrides: Partial<MessageRequest> = {}): MessageRequest {
  return {
    dedupeKey: `test.offer.${randomUUID()}`,
    customerId,
    module: 'product-extras',
    kind: 'offer',
    class: 'marketing',
    templateKey: 'product-extras.offer',
    context: {
      order: {
        id: 'SO-1001',
        items: [{ sku: 'LAPTOP-14', name: 'Aero 14 laptop', quantity: 1, unitPrice: 1499 }],
      },
      extras: [
        {
          sku: 'SLEEVE-14',
          name: 'Felt sleeve',
          kind: 'accessory',
          price: 39,
          currency: 'USD',
          url: 'https://shop.example.com/p/sleeve-14',
        },
      ],
    },
    sendAt: new Date(),
    ...overrides,
  };
}

/** A service message (a post-purchase check-in) about a customer, due now. */
export function checkIn(
  customerId: string,
  overrides: Partial<MessageRequest> = {},
): MessageRequest {
  return {
    dedupeKey: `test.check-in.${randomUUID()}`,
    customerId,
    module: 'post-purchase',
    kind: 'check-in',
    class: 'service',
    templateKey: 'post-purchase.check-in',
    context: {
      order: { id: 'SO-2002', items: [{ sku: 'HUB', name: 'USB-C hub', quantity: 1 }] },
      checkIn: {
        goodUrl: `${PUBLIC_BASE_URL}/c/t?answer=good`,
        problemUrl: `${PUBLIC_BASE_URL}/c/t?answer=problem`,
        url: `${PUBLIC_BASE_URL}/c/t`,
      },
    },
    sendAt: new Date(),
    ...overrides,
  };
}

/**
 * A real application (HTTP and worker) that sends through a real SMTP sink, with quiet hours
 * and the cap off unless a test turns them on: a run at 23:00 UTC must not defer everything.
 */
export class DeliveryApp {
  private constructor(
    readonly t: TestApp,
    readonly sink: SmtpSink,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<DeliveryApp> {
    const sink = await SmtpSink.start();
    const t = await createTestApp({
      SMTP_URL: sink.url,
      MAIL_FROM,
      PUBLIC_BASE_URL,
      QUIET_HOURS: 'off',
      FREQUENCY_CAP: 'off',
      DELIVER_BACKOFF_MS: '100',
      ...env,
    });
    return new DeliveryApp(t, sink);
  }

  get messages(): MessagesService {
    return this.t.app.get(MessagesService);
  }

  /** The BullMQ `evaluate` queue of the application. */
  get evaluateQueue(): Queue {
    return this.t.app.get<Queue>(getQueueToken(QUEUES.evaluate.name), { strict: false });
  }

  /** The BullMQ `deliver` queue of the application. */
  get deliverQueue(): Queue {
    return this.t.app.get<Queue>(getQueueToken(QUEUES.deliver.name), { strict: false });
  }

  /**
   * Creates a customer through the API (ingest key) and returns its internal id. The email
   * is made unique per call from `name`.
   */
  async customer(
    name: string,
    profile: Record<string, unknown> = {},
  ): Promise<{ id: string; externalId: string; email: string }> {
    const externalId = `${name}-${unique()}`;
    const email = (profile.email as string | undefined) ?? `${externalId}@example.com`;
    const res = await this.t.http
      .put(`/v1/customers/${externalId}`)
      .set('Authorization', `Bearer ${await this.t.keyFor('ingest')}`)
      .send({ marketingConsent: true, ...profile, email });
    if (res.status !== 201) throw new Error(`customer not created: ${res.status} ${res.text}`);
    const [row] = await this.t.db.query<{ id: string }[]>(
      'SELECT id FROM customers WHERE external_id = $1',
      [externalId],
    );
    return { id: row.id, externalId, email };
  }

  /** Schedules through the internal API the rule engine uses; returns the message ids. */
  async schedule(...requests: MessageRequest[]): Promise<string[]> {
    const scheduled = await this.messages.schedule(requests);
    return scheduled.map((m) => m.id);
  }

  async row(id: string): Promise<MessageRow> {
    const [row] = await this.rows([id]);
    if (!row) throw new Error(`no message ${id}`);
    return row;
  }

  async rows(ids: string[]): Promise<MessageRow[]> {
    const rows = await this.t.db.query<MessageRow[]>(
      `SELECT id, status, reason, attempts, last_error AS "lastError",
              provider_message_id AS "providerMessageId", template_version AS "templateVersion",
              subject, send_at AS "sendAt", sent_at AS "sentAt", possible_duplicate AS "possibleDuplicate"
         FROM messages WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!).filter(Boolean);
  }

  /** Waits until the message satisfies `done`; the error names the state it was left in. */
  async waitForMessage(
    id: string,
    done: (row: MessageRow) => boolean,
    timeoutMs = 15_000,
  ): Promise<MessageRow> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await this.row(id);
      if (done(row)) return row;
      if (Date.now() > deadline) {
        throw new Error(`message ${id} still ${JSON.stringify(row)} after ${timeoutMs} ms`);
      }
      await sleep(50);
    }
  }

  waitForStatus(id: string, status: string, timeoutMs?: number) {
    return this.waitForMessage(id, (row) => row.status === status, timeoutMs);
  }

  /** Waits until every message is settled (final, or deferred on purpose). */
  async waitForSettled(ids: string[], timeoutMs = 15_000): Promise<MessageRow[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.rows(ids);
      if (rows.length === ids.length && rows.every(isSettled)) return rows;
      if (Date.now() > deadline) {
        const open = rows.filter((r) => !isSettled(r));
        throw new Error(`${open.length} message(s) not settled: ${JSON.stringify(open[0])}`);
      }
      await sleep(50);
    }
  }

  /** The message's status history, as GET /v1/messages/{id} shows it to a marketer. */
  async history(id: string): Promise<HistoryEntry[]> {
    const res = await this.t.http
      .get(`/v1/messages/${id}`)
      .set('Authorization', `Bearer ${await this.t.keyFor('marketer')}`);
    if (res.status !== 200) throw new Error(`GET /v1/messages/${id}: ${res.status} ${res.text}`);
    return (res.body as { history: HistoryEntry[] }).history;
  }

  /** Mail the sink accepted for this message. */
  received(id: string) {
    return this.sink.withMessageId(messageIdHeader(id));
  }

  async close() {
    await this.t.close();
    await this.sink.stop();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
