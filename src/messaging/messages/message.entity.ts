import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { CustomerEntity } from '../../customers/customer.entity';

export const MESSAGE_STATUSES = [
  'scheduled',
  'sending',
  'sent',
  'failed',
  'held_out',
  'suppressed',
  'cancelled',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const MESSAGE_CLASSES = ['service', 'marketing'] as const;
/** `service`: check-ins, case and task notices; `marketing`: offers, promotions, summaries. */
export type MessageClass = (typeof MESSAGE_CLASSES)[number];

export const MODULES = [
  'product-extras',
  'reinforcing-promotions',
  'sales-touchpoints',
  'post-purchase',
  'system',
] as const;
export type Module = (typeof MODULES)[number];

/**
 * One email the engine means to send. Its `dedupe_key` (rule, customer, trigger occurrence)
 * makes scheduling idempotent; its status moves only by compare-and-set.
 */
@Entity({ name: 'messages' })
@Index(['customerId', 'class', 'sentAt'])
// Pending work only (the reconciler's and the promoter's queries): a sent, cancelled or
// held-out message leaves it, so a send adds no entry to it and it stays as small as the
// backlog instead of growing with every message ever sent.
@Index('messages_pending_idx', ['status', 'sendAt'], {
  where: "status IN ('scheduled', 'sending')",
})
// A rule's entries per customer (re-entry, goals, audiences) and, with the status carried in
// the index, its statistics by status: one index instead of two on the table a rule run
// writes a million rows into. TypeORM cannot declare INCLUDE, so the migration owns it.
@Index('messages_rule_customer_idx', { synchronize: false })
// Reports: messages (rule entries) created in a period. Rows arrive in created_at order, so a
// BRIN index (a few pages) finds a period as well as a B-tree would, at almost no cost per insert.
@Index('messages_created_at_brin', ['createdAt'], { type: 'brin' })
export class MessageEntity {
  /** A time-ordered UUID (inserts supply `uuidV7()`): it is also the BullMQ job id, which must not look like an integer. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'dedupe_key', type: 'text', unique: true })
  dedupeKey!: string;

  /** The customer the message is about (and, unless `recipient` is set, sent to). */
  @Column({ name: 'customer_id', type: 'bigint', nullable: true })
  customerId!: string | null;

  // No foreign key: customers are never deleted (erasure blanks the row), and every insert
  // takes the id from a customer row it just read. Checking it again cost a trigger call and
  // a row lock on the customer (a WAL record) per message: with the history's check, about a
  // quarter of the time of a page's insert (EXPLAIN ANALYZE of a 1,000-row page).
  @ManyToOne(() => CustomerEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'customer_id' })
  customer?: CustomerEntity;

  /** An explicit address (support desk, account owner); null = the customer's email. */
  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  @Column({ type: 'text' })
  module!: Module;

  /** What the message is, e.g. `offer`, `promotion`, `check-in`, `task-notice`. */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  class!: MessageClass;

  /** Higher wins when two messages compete for the customer's cap. */
  @Column({ type: 'integer', default: 50 })
  priority!: number;

  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId!: string | null;

  /** The rule's goal event: if the customer does it before the send, the message is moot. */
  @Column({ name: 'goal_event', type: 'text', nullable: true })
  goalEvent!: string | null;

  @Column({ name: 'template_key', type: 'text' })
  templateKey!: string;

  /** Set when rendered: the version the customer got. */
  @Column({ name: 'template_version', type: 'integer', nullable: true })
  templateVersion!: number | null;

  /** Module-specific template context (promotion, extras, check-in, task, …). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  context!: Record<string, unknown>;

  @Column({ name: 'send_at', type: 'timestamptz' })
  sendAt!: Date;

  /** The message's own customer-local send window (`HH:MM`), overriding quiet hours. */
  @Column({ name: 'window_start', type: 'text', nullable: true })
  windowStart!: string | null;

  @Column({ name: 'window_end', type: 'text', nullable: true })
  windowEnd!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'text', default: 'scheduled' })
  status!: MessageStatus;

  /** Why it is not sent (yet): `frequency_cap`, `quiet_hours`, `no_consent`, `expired`, … */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'provider_message_id', type: 'text', nullable: true })
  providerMessageId!: string | null;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  /** While `sending`: until when the worker that claimed it owns it. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  /** Released from a stuck `sending`: the server may have got it once already. */
  @Column({ name: 'possible_duplicate', type: 'boolean', default: false })
  possibleDuplicate!: boolean;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
