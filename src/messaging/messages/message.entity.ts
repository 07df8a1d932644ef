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
@Index(['status', 'sendAt'])
@Index(['ruleId', 'status'])
@Index(['ruleId', 'customerId', 'createdAt'])
// Reports: messages (rule entries) created in a period.
@Index('messages_created_at_idx', ['createdAt'])
export class MessageEntity {
  /** A time-ordered UUID (inserts supply `uuid_v7()`): it is also the BullMQ job id, which must not look like an integer. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'dedupe_key', type: 'text', unique: true })
  dedupeKey!: string;

  /** The customer the message is about (and, unless `recipient` is set, sent to). */
  @Column({ name: 'customer_id', type: 'bigint', nullable: true })
  customerId!: string | null;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
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
