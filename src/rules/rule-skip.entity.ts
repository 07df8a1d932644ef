import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Why event-triggered entries were not made, counted per rule and reason. Counted in memory
 * and added here every few seconds: a hot counter row updated per event would serialize
 * the evaluate workers.
 */
@Entity({ name: 'rule_skips' })
export class RuleSkipEntity {
  @PrimaryColumn({ name: 'rule_id', type: 'uuid' })
  ruleId!: string;

  @PrimaryColumn({ type: 'text' })
  reason!: string;

  @Column({ type: 'bigint', default: 0 })
  count!: string;
}
