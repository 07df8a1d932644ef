import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { signToken } from '../../common/auth/link-tokens';
import { statementBatcher } from '../../common/batching/statement-batcher';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { emailHash } from '../../customers/email-hash';
import { EngineEvents } from '../../events/engine-events';
import { EVENT_INTEREST, EventInterest } from '../../events/event-interest';
import { FrequencyCap, parseFrequencyCap } from '../policy/frequency-cap';
import { LocalWindow, parseQuietHours } from '../policy/quiet-hours';
import { TemplateRenderer } from '../templates/template-renderer';
import {
  MAIL_TRANSPORT,
  MailTransport,
  OutgoingMail,
  TransportError,
} from '../transport/mail-transport';
import { HELD_TURNS_BEFORE_WAITING, pauseForHeldCustomer } from '../../customers/lock-customers';
import { withTransaction } from '../../database/transaction';
import { decideClaim, DecidedClaim, oneMessagePerCustomer } from './claim-decision';
import {
  lockMarketingCustomers,
  MessageToDeliver,
  MessageWithFacts,
  readManyForDelivery,
} from './delivery-facts';
import {
  answersInOrder,
  recordSent,
  SendingClaim,
  SentRecord,
  takeForSending,
} from './delivery-writes';
import { DeliveryMetrics } from './delivery-metrics';
import { UNSUBSCRIBE_PURPOSE } from '../unsubscribe/unsubscribe-token';

const sentEventId = (messageId: string) => `message-sent.${messageId}`;

/** Tries at recording a send the server accepted, and the pause before the next (× the try). */
const RECORD_ATTEMPTS = 4;
const RECORD_RETRY_MS = 250;

/** The SMTP server took the message, but Postgres would not record it: never send it again. */
export class SentButNotRecordedError extends Error {
  constructor(messageId: string, why: string) {
    super(`message ${messageId} was sent but could not be recorded: ${why}`);
  }
}

/** A capped claim that its batch handed back: another message of its customer went first. */
const AGAIN = Symbol('again');
/** A capped claim whose customer another transaction held: tried again after a pause. */
const HELD = Symbol('held');
type HandedBack = typeof AGAIN | typeof HELD;

/** A capped claim, and whether its batch waits for its customer's lock (see lockMarketingCustomers). */
interface CappedClaim {
  id: string;
  waitForLock: boolean;
}

/** Counts a metric now, or once the transaction that made the decision has committed. */
type Count = (inc: () => void) => void;
const countNow: Count = (inc) => inc();

/** What the worker should do with the job after the claim. */
export type Claim =
  | { kind: 'gone' }
  | { kind: 'finished'; status: 'suppressed' | 'cancelled'; reason: string }
  | { kind: 'later'; until: Date; reason: string }
  | { kind: 'send'; message: MessageToDeliver; address: string; reclaimed: boolean };

/**
 * The delivery use case, one message at a time: claim (re-check everything and move the
 * message to `sending` by compare-and-set), render and send, then record the outcome.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('Delivery');
  private readonly quietHours: LocalWindow | null;
  private readonly cap: FrequencyCap | null;
  /** Concurrent jobs' reads and writes, gathered into one statement each (see statementBatcher). */
  private readonly read: (id: string) => Promise<{ message: MessageWithFacts | null; now: Date }>;
  private readonly take: (claim: SendingClaim) => Promise<boolean>;
  private readonly claimCapped: (claim: CappedClaim) => Promise<Claim | HandedBack>;
  private readonly claimCappedWaiting: (claim: CappedClaim) => Promise<Claim | HandedBack>;
  private readonly record: (sent: SentRecord) => Promise<boolean>;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly renderer: TemplateRenderer,
    private readonly engineEvents: EngineEvents,
    private readonly metrics: DeliveryMetrics,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_INTEREST) private readonly eventInterest: EventInterest,
  ) {
    this.quietHours = parseQuietHours(config.quietHours);
    this.cap = parseFrequencyCap(config.frequencyCap);
    const capWindowMs = this.cap?.windowMs ?? 0;
    this.read = statementBatcher(async (ids) => {
      const now = this.clock.now();
      const rows = await readManyForDelivery(this.db, ids, now, capWindowMs);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => ({ message: byId.get(id) ?? null, now }));
    });
    this.take = statementBatcher(async (claims) =>
      answersInOrder(
        claims.map((c) => c.id),
        await takeForSending(this.db, claims, config.delivery.sendingLockMs),
      ),
    );
    // One transaction at a time per process: the claims that arrive meanwhile gather into the
    // next batch. Postgres plans each statement for its values (prepared-statement.ts), about
    // a third of its time per sent message, and a plan serves the whole batch: with two at a
    // time the batches held 12 messages, with one 19, and planning per sent message fell
    // from 107 to 65 µs (pg_stat_statements, delivery benchmark).
    //
    // Claims that must wait for a customer another transaction holds (an ingestion batch
    // writing orders; see lockMarketingCustomers) go in batches of their own, so the wait
    // never holds up the others. Two batches with a customer in common take turns on its lock,
    // and the second reads what the first took. A deadlock victim is run again rather than
    // failing every job of the batch; metrics are counted once the batch has committed, so a
    // rolled-back try counts nothing.
    const claimBatch = async (batch: readonly CappedClaim[]) => {
      let counts: (() => void)[] = [];
      const claims = await withTransaction(this.db, (em) => {
        counts = [];
        return this.claimCappedBatch(em, batch, (inc) => counts.push(inc));
      });
      for (const inc of counts) inc();
      return claims;
    };
    this.claimCapped = statementBatcher(claimBatch, { maxInFlight: 1 });
    this.claimCappedWaiting = statementBatcher(claimBatch, { maxInFlight: 1 });
    // One record statement at a time per process: the sends that finish meanwhile join the
    // next one. Concurrent ones competed for the same index pages of messages, history and
    // events: one at a time, its Postgres time per message fell from 230 to 149 µs
    // (pg_stat_statements, delivery benchmark), with larger batches (8.5 → 10.7 rows). It
    // gathers for 6 ms rather than 2: a job's completion waits a few milliseconds longer, and
    // batches grew from 9.0 to 11.7 sends (planning per sent message 43 → 35 µs).
    this.record = statementBatcher(
      async (records) =>
        answersInOrder(
          records.map((r) => r.id),
          await recordSent(this.db, records),
        ),
      { maxInFlight: 1, waitMs: 6 },
    );
  }

  /**
   * Re-checks the message and, if it may go now, takes it (`scheduled` → `sending`) by
   * compare-and-set. Each step is one statement shared with the other jobs claiming at the
   * same moment: one read of the messages with every fact, one conditional update. Under a
   * frequency cap, in a transaction that holds the marketing messages' customers first
   * (`claimCappedBatch`), so that two workers cannot both take a customer's last free slot.
   */
  async claim(messageId: string): Promise<Claim> {
    if (this.cap) {
      for (let held = 0; ;) {
        const waitForLock = held >= HELD_TURNS_BEFORE_WAITING;
        const claim = await (waitForLock ? this.claimCappedWaiting : this.claimCapped)({
          id: messageId,
          waitForLock,
        });
        if (claim === HELD) {
          held += 1;
          await pauseForHeldCustomer();
        } else if (claim !== AGAIN) return claim;
      }
    }
    const { message: read, now } = await this.read(messageId);
    if (!read) return { kind: 'gone' };
    const early = this.settledBeforeDecision(read, now);
    if (early) return early;
    const decided = this.decide(read, now);
    if (decided.decision.action !== 'send') return this.apply(this.db, read, decided, now);
    const taken = await this.take({ id: read.id, stuck: decided.stuck, now });
    return this.sendClaim(read, decided, taken);
  }

  /**
   * The claims of the moment under a frequency cap, in one transaction: the customers of the
   * marketing messages locked in id order (as every writer of customers locks them), the
   * messages read under the locks (that read sees every claim committed before), decided, and
   * the sends taken in one statement. One marketing message per customer per batch
   * (`oneMessagePerCustomer`): the others are handed back and join the next batch, which
   * reads what this one took. A message whose customer another transaction holds is handed
   * back too, and tried again after a pause (after three such turns, its batch waits).
   *
   * Before, each capped claim was a transaction of its own: 469 msg/s in the delivery
   * benchmark under the default cap, against 1,070-1,108 batched (the same host and hour).
   */
  private async claimCappedBatch(
    em: EntityManager,
    claims: readonly CappedClaim[],
    count: Count,
  ): Promise<(Claim | HandedBack)[]> {
    const ids = claims.map((c) => c.id);
    const locked = await lockMarketingCustomers(
      em,
      ids,
      claims.filter((c) => c.waitForLock).map((c) => c.id),
    );
    const now = this.clock.now();
    const rows = await readManyForDelivery(em, ids, now, this.cap?.windowMs ?? 0);
    const isHeld = (row: MessageWithFacts) =>
      row.class === 'marketing' && row.customer_id !== null && !locked.has(row.customer_id);
    const { first, later } = oneMessagePerCustomer(rows.filter((row) => !isHeld(row)));
    const out = new Map<string, Claim | HandedBack>();
    for (const row of rows) if (isHeld(row)) out.set(row.id, HELD);
    for (const row of later) out.set(row.id, AGAIN);
    const sends: { row: MessageWithFacts; decided: DecidedClaim }[] = [];
    for (const row of first) {
      const settled = this.settledBeforeDecision(row, now);
      if (settled) {
        out.set(row.id, settled);
        continue;
      }
      const decided = this.decide(row, now);
      if (decided.decision.action === 'send') sends.push({ row, decided });
      else out.set(row.id, await this.apply(em, row, decided, now, count));
    }
    const taken = await takeForSending(
      em,
      sends.map(({ row, decided }) => ({ id: row.id, stuck: decided.stuck, now })),
      this.config.delivery.sendingLockMs,
    );
    for (const { row, decided } of sends)
      out.set(row.id, this.sendClaim(row, decided, taken.has(row.id), count));
    // A message twice in the batch (a second job for it) waits for the next one.
    const seen = new Set<string>();
    return ids.map((id) => {
      if (seen.has(id)) return AGAIN;
      seen.add(id);
      return out.get(id) ?? { kind: 'gone' };
    });
  }

  /** A message that is not ours to decide on (gone, held by another worker, not yet due). */
  private settledBeforeDecision(message: MessageWithFacts, now: Date): Claim | null {
    if (message.status === 'sending' && message.locked_until && message.locked_until >= now) {
      // Another worker holds it (or held it and died); look again when its lock runs out.
      return { kind: 'later', until: message.locked_until, reason: 'locked' };
    }
    if (message.status !== 'scheduled' && message.status !== 'sending') return { kind: 'gone' };
    if (message.send_at > now) return { kind: 'later', until: message.send_at, reason: 'not_due' };
    return null;
  }

  private decide(message: MessageWithFacts, now: Date): DecidedClaim {
    return decideClaim(message, now, { quietHours: this.quietHours, cap: this.cap });
  }

  /** A send decided and taken (or not: another worker moved the message first). */
  private sendClaim(
    message: MessageWithFacts,
    decided: DecidedClaim,
    taken: boolean,
    count: Count = countNow,
  ): Claim {
    if (!taken) return { kind: 'gone' };
    if (decided.stuck) count(() => this.metrics.possibleDuplicates.inc());
    return { kind: 'send', message, address: decided.address!, reclaimed: decided.stuck };
  }

  /**
   * Records a decision other than a send. Every write is conditional on the status read, so
   * of two workers racing for one message exactly one moves it.
   */
  private async apply(
    q: Pick<EntityManager, 'query'>,
    message: MessageWithFacts,
    { decision, stuck }: DecidedClaim,
    now: Date,
    count: Count = countNow,
  ): Promise<Claim> {
    /** One conditional UPDATE (compare-and-set on the status read) and its history row. */
    const transition = async (
      set: string,
      params: unknown[],
      history: { status: string; reason: string | null; detail: string | null },
    ): Promise<boolean> => {
      const n = params.length;
      const unchanged = stuck
        ? `status = 'sending' AND locked_until < $${n + 1}`
        : // The same parameter list either way: Postgres refuses a parameter it cannot type.
          `status = 'scheduled' AND $${n + 1}::timestamptz IS NOT NULL`;
      const rows = await q.query<{ id: string }[]>(
        `WITH changed AS (
           UPDATE messages SET ${set}, updated_at = now()
            WHERE id = $1 AND ${unchanged} RETURNING id),
         history AS (
           INSERT INTO message_status_changes (message_id, status, reason, detail)
           SELECT id, $${n + 2}, $${n + 3}, $${n + 4} FROM changed)
         SELECT id FROM changed`,
        [...params, now, history.status, history.reason, history.detail],
      );
      return rows.length > 0;
    };

    switch (decision.action) {
      case 'send':
        throw new Error('a send is taken, not applied');
      case 'defer': {
        const moved = await transition(
          `status = 'scheduled', send_at = $2, reason = $3, locked_until = NULL`,
          [message.id, decision.until, decision.reason],
          { status: 'deferred', reason: decision.reason, detail: decision.until.toISOString() },
        );
        if (!moved) return { kind: 'gone' };
        count(() => this.metrics.deferred.inc({ reason: decision.reason }));
        return { kind: 'later', until: decision.until, reason: decision.reason };
      }
      case 'suppress':
      case 'cancel': {
        const status = decision.action === 'suppress' ? 'suppressed' : 'cancelled';
        const ended = await transition(
          `status = $2, reason = $3, locked_until = NULL`,
          [message.id, status, decision.reason],
          { status, reason: decision.reason, detail: null },
        );
        if (!ended) return { kind: 'gone' };
        count(() => this.metrics.finished.inc({ status, module: message.module }));
        return { kind: 'finished', status, reason: decision.reason };
      }
    }
  }

  /** Renders and sends a claimed message; throws TransportError when the transport says no. */
  async send(claim: Extract<Claim, { kind: 'send' }>): Promise<void> {
    const { message, address } = claim;
    const started = performance.now();
    const context = this.contextFor(message);
    const rendered = await this.renderer.render(message.template_key, context);
    const mail: OutgoingMail = {
      id: message.id,
      from: this.config.mail.from,
      to: address,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      unsubscribeUrl:
        message.class === 'marketing' ? (context.unsubscribeUrl as string | undefined) : undefined,
    };
    // Asked before sending: a failure here (the rule cache reading Postgres) must come
    // before the mail is out, or the retry would send it again.
    const evaluate = message.customer_id !== null && (await this.sentEventConcernsRules(message));
    const result = await this.transport.send(mail);
    // One statement records this send and those of the jobs finishing with it: statuses,
    // history rows and the engine's `message.sent` events.
    const recorded = await this.recordSend({
      id: message.id,
      providerMessageId: result.providerMessageId,
      subject: rendered.subject,
      templateVersion: rendered.version,
      eventSettled: !evaluate,
    });
    if (!recorded) {
      // Released as stuck while we were sending: the other attempt records its own outcome.
      this.logger.warn(`message ${message.id} was sent but no longer ours to record`);
      return;
    }
    this.metrics.finished.inc({ status: 'sent', module: message.module });
    this.metrics.sendSeconds.observe((performance.now() - started) / 1000);
    if (evaluate) this.engineEvents.enqueueSoon(sentEventId(message.id));
  }

  /** Whether the `message.sent` of this message needs evaluating (see EventInterest). */
  private sentEventConcernsRules(message: MessageToDeliver): Promise<boolean> {
    return this.eventInterest.concerns({
      id: sentEventId(message.id),
      type: 'message.sent',
      occurredAt: this.clock.now(),
      // As recordSent stores them.
      properties: {
        messageId: message.id,
        module: message.module,
        kind: message.kind,
        ruleId: message.rule_id,
      },
    });
  }

  /**
   * Records a send the SMTP server accepted. A failure here must not reach the worker's
   * retry path, which would put the message back to `scheduled` and send it again: the write
   * is tried again (it only moves a message that is still `sending`, so one that did commit
   * is not recorded twice), and if it keeps failing the message stays `sending` — the
   * reconciler releases it once its lock has run out, counted as a possible duplicate.
   */
  private async recordSend(sent: SentRecord): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.record(sent);
      } catch (error) {
        const why = (error as Error).message;
        if (attempt >= RECORD_ATTEMPTS) throw new SentButNotRecordedError(sent.id, why);
        this.logger.warn(`recording sent message ${sent.id} failed (attempt ${attempt}): ${why}`);
        await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS * attempt));
      }
    }
  }

  /** A temporary failure with attempts left: back to `scheduled`; the job retries it. */
  async releaseForRetry(messageId: string, error: TransportError) {
    await this.setOutcome(messageId, 'scheduled', 'retrying', error.message);
  }

  /** A permanent failure, or the last attempt: `failed`; a rejected address is suppressed. */
  async fail(
    message: { id: string; module: string },
    address: string,
    error: TransportError,
    reason: string,
  ) {
    await this.setOutcome(message.id, 'failed', reason, error.message);
    if (error.recipientRejected) {
      await this.db.query(
        `INSERT INTO suppressions (email_hash, reason, scope) VALUES ($1, 'hard_bounce', 'all')
         ON CONFLICT (email_hash, reason) DO NOTHING`,
        [emailHash(address)],
      );
    }
    this.metrics.finished.inc({ status: 'failed', module: message.module });
  }

  private async setOutcome(messageId: string, status: string, reason: string, error: string) {
    await this.db.query(
      `WITH changed AS (
         UPDATE messages SET status = $2, reason = $3, last_error = $4, locked_until = NULL, updated_at = now()
          WHERE id = $1 AND status = 'sending' RETURNING id)
       INSERT INTO message_status_changes (message_id, status, reason, detail)
       SELECT id, $2, $3, $5 FROM changed`,
      [messageId, status, reason, error.slice(0, 2000), error.slice(0, 500)],
    );
  }

  /** The template context: the customer and account as they are now, plus the module's part. */
  private contextFor(message: MessageToDeliver): Record<string, unknown> {
    const base: Record<string, unknown> = {
      company: { name: this.config.company.name, postalAddress: this.config.company.postalAddress },
    };
    if (message.customer_id !== null && message.c_profile) {
      base.customer = message.c_profile;
      if (message.c_account) base.account = message.c_account;
      if (message.recipient === null) {
        // Only the customer's own mail carries their unsubscribe link, never a staff notice.
        const token = signToken(this.config.tokenSecret, UNSUBSCRIBE_PURPOSE, message.customer_id);
        base.unsubscribeUrl = `${this.config.publicBaseUrl}/u/${token}`;
        base.preferencesUrl = base.unsubscribeUrl;
      }
    }
    return { ...base, ...message.context };
  }
}
