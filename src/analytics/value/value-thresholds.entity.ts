import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The cohort boundaries of one computation for everyone (the nightly job, a manual
 * recompute, or the first refresh on a database that had none). The latest row is what a
 * single customer's refresh scores against between two nightly runs. Kept as history: the
 * rows are small and show how the cohort moves.
 */
@Entity({ name: 'value_thresholds' })
export class ValueThresholdsEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** The instant the figures are computed as of (recency and CLV depend on it). */
  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt!: Date;

  /** `nightly`, `manual` or `bootstrap` (the first refresh found no boundaries). */
  @Column({ type: 'text' })
  trigger!: string;

  /** Customers with at least one order: the cohort the boundaries come from. */
  @Column({ type: 'integer' })
  customers!: number;

  /** 20th, 40th, 60th, 80th percentiles of whole days since the last order; null for an empty cohort. */
  @Column({ name: 'recency_days', type: 'integer', array: true, nullable: true })
  recencyDays!: number[] | null;

  /** The same percentiles of orders per customer. */
  @Column({ type: 'integer', array: true, nullable: true })
  frequency!: number[] | null;

  /** The same percentiles of revenue per customer. */
  @Column({ type: 'numeric', precision: 14, scale: 2, array: true, nullable: true })
  monetary!: string[] | null;

  /** 80th percentile of CLV: above it is `high`. */
  @Column({ name: 'clv_high', type: 'numeric', precision: 14, scale: 2, nullable: true })
  clvHigh!: string | null;

  /** 50th percentile of CLV: above it (and not high) is `medium`. */
  @Column({ name: 'clv_medium', type: 'numeric', precision: 14, scale: 2, nullable: true })
  clvMedium!: string | null;

  /** The unit costs and assumptions the run used (DEFAULT_MARGIN, COST_PER_CASE, …). */
  @Column({ type: 'jsonb' })
  settings!: Record<string, number>;

  /** Customers whose figures the run wrote; null while it runs (and for `bootstrap`). */
  @Column({ type: 'integer', nullable: true })
  updated!: number | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
