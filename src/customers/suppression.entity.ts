import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export const SUPPRESSION_REASONS = ['erased', 'unsubscribed', 'hard_bounce', 'complaint'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/**
 * An address that must not be mailed, kept as a SHA-256 of the normalised email so that an
 * erased customer's address is not stored in clear but still blocks a re-import.
 */
@Entity({ name: 'suppressions' })
@Unique(['emailHash', 'reason'])
export class SuppressionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'email_hash', type: 'char', length: 64 })
  emailHash!: string;

  @Column({ type: 'text' })
  reason!: SuppressionReason;

  /** `marketing` stops offers only; `all` stops service messages too. */
  @Column({ type: 'text', default: 'all' })
  scope!: 'marketing' | 'all';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
