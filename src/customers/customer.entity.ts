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
// Reports: customers whose first order falls in a period (new ones), counts before a time.
@Index('customers_first_order_at_idx', ['firstOrderAt'])
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

  /** `high | medium | low | unprofitable`, from analytics; null until first computed. */
  @Column({ name: 'value_tier', type: 'text', nullable: true })
  valueTier!: string | null;

  /** champions, loyal, potential, at-risk, hibernating, new; null until first computed. */
  @Column({ name: 'rfm_segment', type: 'text', nullable: true })
  rfmSegment!: string | null;

  /** Estimated customer lifetime value (margin earned), from analytics. */
  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  clv!: string | null;

  /** Margin earned on kept orders, from analytics (src/analytics/value). */
  @Column({ name: 'gross_margin', type: 'numeric', precision: 14, scale: 2, nullable: true })
  grossMargin!: string | null;

  /** Cases, returns and discounts redeemed, priced, from analytics. */
  @Column({ name: 'cost_to_serve', type: 'numeric', precision: 14, scale: 2, nullable: true })
  costToServe!: string | null;

  /** RFM scores 1–5 against the cohort's quintiles; null without orders. */
  @Column({ name: 'rfm_recency', type: 'smallint', nullable: true })
  rfmRecency!: number | null;

  @Column({ name: 'rfm_frequency', type: 'smallint', nullable: true })
  rfmFrequency!: number | null;

  @Column({ name: 'rfm_monetary', type: 'smallint', nullable: true })
  rfmMonetary!: number | null;

  /** When the value figures above were last written (nightly job or refresh on arrival). */
  @Column({ name: 'value_computed_at', type: 'timestamptz', nullable: true })
  valueComputedAt!: Date | null;

  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
