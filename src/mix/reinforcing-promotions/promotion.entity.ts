import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A personal promotion code: one per customer and rule entry, redeemable once. */
@Entity({ name: 'promotions' })
@Index(['customerId'])
export class PromotionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The dedupe key of the message that carries it: a retried entry makes one code. */
  @Column({ name: 'dedupe_key', type: 'text', unique: true })
  dedupeKey!: string;

  @Column({ type: 'text', unique: true })
  code!: string;

  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId!: string | null;

  @Column({ name: 'customer_id', type: 'bigint' })
  customerId!: string;

  @Column({ name: 'discount_percent', type: 'numeric', precision: 5, scale: 2 })
  discountPercent!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'redeemed_at', type: 'timestamptz', nullable: true })
  redeemedAt!: Date | null;

  @Column({ name: 'redeemed_order_id', type: 'bigint', nullable: true })
  redeemedOrderId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
