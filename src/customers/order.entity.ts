import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { CustomerEntity } from './customer.entity';

export const ORDER_STATUSES = ['pending', 'placed', 'delivered', 'cancelled', 'returned'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * An order, built from `order.*` events. Each lifecycle event sets its own timestamp, so the
 * row converges to the same state whatever order the events arrive in; `status` is derived
 * from those timestamps. `pending` is an order we heard of (say, a delivery) before its
 * `order.placed` arrived.
 */
@Entity({ name: 'orders' })
@Index(['customerId', 'placedAt'])
// Reports: orders placed, cancelled or returned in a period (the last two are rare: partial).
@Index('orders_placed_at_idx', ['placedAt'])
@Index('orders_cancelled_at_idx', ['cancelledAt'], { where: 'cancelled_at IS NOT NULL' })
@Index('orders_returned_at_idx', ['returnedAt'], { where: 'returned_at IS NOT NULL' })
export class OrderEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'external_id', type: 'text', unique: true })
  externalId!: string;

  @Column({ name: 'customer_id', type: 'bigint' })
  customerId!: string;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: CustomerEntity;

  @Column({ type: 'text', default: 'pending' })
  status!: OrderStatus;

  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  total!: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency!: string | null;

  @Column({ name: 'coupon_code', type: 'text', nullable: true })
  couponCode!: string | null;

  @Column({ name: 'placed_at', type: 'timestamptz', nullable: true })
  placedAt!: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;

  @Column({ name: 'returned_at', type: 'timestamptz', nullable: true })
  returnedAt!: Date | null;

  @Column({ name: 'return_reason', type: 'text', nullable: true })
  returnReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
