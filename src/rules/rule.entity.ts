import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { RuleDefinition } from './rule.schema';

export const RULE_STATUSES = ['draft', 'active', 'paused'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

/**
 * A marketer's rule. The whole definition is kept as saved (jsonb, validated completely
 * before it gets here); the columns beside it are copies of what the engine looks rules up
 * by — status, trigger event, goal event — so those lookups use indexes.
 */
@Entity({ name: 'rules' })
@Index(['status', 'triggerEvent'])
@Index(['status', 'goalEvent'])
export class RuleEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  module!: string;

  @Column({ type: 'text', default: 'draft' })
  status!: RuleStatus;

  @Column({ name: 'trigger_type', type: 'text' })
  triggerType!: 'event' | 'schedule' | 'manual';

  @Column({ name: 'trigger_event', type: 'text', nullable: true })
  triggerEvent!: string | null;

  @Column({ name: 'goal_event', type: 'text', nullable: true })
  goalEvent!: string | null;

  @Column({ type: 'jsonb' })
  definition!: RuleDefinition;

  /** Bumped on every change; the audit trail refers to it. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
