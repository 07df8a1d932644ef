import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One change to a rule: who made it, when, and the rule before and after. Never updated. */
@Entity({ name: 'rule_audit' })
@Index(['ruleId', 'id'])
export class RuleAuditEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'rule_id', type: 'uuid' })
  ruleId!: string;

  @Column({ type: 'integer' })
  version!: number;

  /** `created`, `updated`, `activated`, `paused`, … */
  @Column({ type: 'text' })
  action!: string;

  /** The API key that made the change: its id and name at the time. */
  @Column({ name: 'actor_key_id', type: 'text', nullable: true })
  actorKeyId!: string | null;

  @Column({ name: 'actor_name', type: 'text' })
  actorName!: string;

  @Column({ type: 'jsonb', nullable: true })
  before!: Record<string, unknown> | null;

  @Column({ type: 'jsonb' })
  after!: Record<string, unknown>;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;
}
