import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A "how is it going?" question to a customer, from a rule or from support staff by hand.
 * Its link token is signed from its id (nothing secret is stored); a second answer replaces
 * the first.
 */
@Entity({ name: 'check_ins' })
@Index(['customerId', 'orderId', 'createdAt'])
// Reports: check-ins asked in a period.
@Index('check_ins_created_at_idx', ['createdAt'])
export class CheckInEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The dedupe key of the message that asks it: a retried rule entry makes one check-in. */
  @Column({ name: 'dedupe_key', type: 'text', unique: true })
  dedupeKey!: string;

  @Column({ name: 'customer_id', type: 'bigint' })
  customerId!: string;

  @Column({ name: 'order_id', type: 'bigint', nullable: true })
  orderId!: string | null;

  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId!: string | null;

  /** `rule` or `manual` (support staff). */
  @Column({ type: 'text' })
  source!: string;

  /** Support staff's note on a manual check-in. */
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'requested_by', type: 'text', nullable: true })
  requestedBy!: string | null;

  /** `good` or `problem`, once answered. */
  @Column({ type: 'text', nullable: true })
  answer!: 'good' | 'problem' | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
