import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Every order that carried a coupon code, valid or not: a second use, an expired code, a
 * code of another customer or an unknown one is kept as `invalid` with its reason.
 */
@Entity({ name: 'promotion_redemptions' })
@Index(['promotionId'])
export class PromotionRedemptionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The `order.placed` event: one redemption attempt per event. */
  @Column({ name: 'event_id', type: 'text', unique: true })
  eventId!: string;

  @Column({ name: 'promotion_id', type: 'uuid', nullable: true })
  promotionId!: string | null;

  @Column({ type: 'text' })
  code!: string;

  @Column({ name: 'customer_id', type: 'bigint' })
  customerId!: string;

  @Column({ name: 'order_id', type: 'bigint', nullable: true })
  orderId!: string | null;

  /** `redeemed` or `invalid`. */
  @Column({ type: 'text' })
  status!: 'redeemed' | 'invalid';

  /** Why invalid: `already_redeemed`, `expired`, `unknown_code`, `other_customer`. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  revenue!: string | null;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;
}
