import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One run of a schedule or manual rule over its audience. `cursor` is the last customer id
 * whose page is committed: a worker that picks up a dead worker's run continues after it.
 * `occurrence` is unique per rule (the schedule tick, or the run id for manual runs), so a
 * tick seen by two workers makes one run.
 */
@Entity({ name: 'rule_runs' })
@Index(['ruleId', 'occurrence'], { unique: true })
export class RuleRunEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'rule_id', type: 'uuid' })
  ruleId!: string;

  @Column({ type: 'text' })
  occurrence!: string;

  /** `schedule` or `manual`. */
  @Column({ type: 'text' })
  trigger!: string;

  /** `running`, `completed`, `failed`, or `cancelled` (its rule was paused mid-run). */
  @Column({ type: 'text', default: 'running' })
  status!: string;

  /** The moment the run stands for: the tick, or when it was asked for. */
  @Column({ name: 'triggered_at', type: 'timestamptz' })
  triggeredAt!: Date;

  @Column({ name: 'audience_size', type: 'integer', nullable: true })
  audienceSize!: number | null;

  @Column({ type: 'integer', default: 0 })
  processed!: number;

  @Column({ type: 'integer', default: 0 })
  scheduled!: number;

  @Column({ name: 'held_out', type: 'integer', default: 0 })
  heldOut!: number;

  /** Entries not made, by reason: `{ "already_entered": 12, "no_eligible_extras": 3 }`. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  skipped!: Record<string, number>;

  @Column({ type: 'bigint', nullable: true })
  cursor!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
