import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';

/**
 * Every accepted event, committed before its `evaluate` job is added. `enqueuedAt` is the
 * outbox flag the relay reads; `evaluatedAt` is set by the evaluating worker.
 */
@Entity({ name: 'events' })
@Index(['customerId', 'occurredAt'])
@Index(['type', 'occurredAt'])
@Index('events_unqueued_idx', ['receivedAt'], { where: 'enqueued_at IS NULL' })
@Index('events_unevaluated_idx', ['enqueuedAt'], {
  where: 'evaluated_at IS NULL AND enqueued_at IS NOT NULL',
})
export class EventEntity {
  /** The sender's id: the idempotency key. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'customer_id', type: 'bigint' })
  customerId!: string;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: CustomerEntity;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  properties!: Record<string, unknown>;

  /** `api` for events sent in, `engine` for the engine's own (check_in.answered, …). */
  @Column({ type: 'text', default: 'api' })
  source!: 'api' | 'engine';

  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true })
  enqueuedAt!: Date | null;

  @Column({ name: 'evaluated_at', type: 'timestamptz', nullable: true })
  evaluatedAt!: Date | null;

  /** How many times a worker ran this event's job: 1 when all is well. */
  @Column({ name: 'evaluation_count', type: 'integer', default: 0 })
  evaluationCount!: number;
}
