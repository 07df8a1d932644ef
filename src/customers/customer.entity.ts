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
import { AccountEntity } from './account.entity';

/**
 * A customer as the shop knows them. The order statistics are a projection of the orders
 * table, recomputed inside the transaction that changes an order (see order-projection.ts).
 */
@Entity({ name: 'customers' })
export class CustomerEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'external_id', type: 'text', unique: true })
  externalId!: string;

  /** Null once the customer is erased. */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'first_name', type: 'text', nullable: true })
  firstName!: string | null;

  @Column({ name: 'last_name', type: 'text', nullable: true })
  lastName!: string | null;

  @Column({ type: 'text', nullable: true })
  locale!: string | null;

  @Column({ type: 'text', nullable: true })
  timezone!: string | null;

  /** Opt-in: no consent until the shop says so. */
  @Column({ name: 'marketing_consent', type: 'boolean', default: false })
  marketingConsent!: boolean;

  @Index()
  @Column({ name: 'account_id', type: 'bigint', nullable: true })
  accountId!: string | null;

  @ManyToOne(() => AccountEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'account_id' })
  account?: AccountEntity | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes!: Record<string, unknown>;

  @Column({ name: 'orders_count', type: 'integer', default: 0 })
  ordersCount!: number;

  @Column({ name: 'total_spent', type: 'numeric', precision: 14, scale: 2, default: 0 })
  totalSpent!: string;

  @Column({ name: 'first_order_at', type: 'timestamptz', nullable: true })
  firstOrderAt!: Date | null;

  @Column({ name: 'last_order_at', type: 'timestamptz', nullable: true })
  lastOrderAt!: Date | null;

  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
