import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const TASK_STATUSES = ['open', 'completed', 'held_out'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Work for a sales rep: call or visit an account, from a rule. */
@Entity({ name: 'tasks' })
@Index(['assigneeEmail', 'status'])
@Index(['status', 'dueAt'])
@Index(['ruleId', 'customerId'])
export class TaskEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** (rule, account, trigger occurrence): one task per account per run or event. */
  @Column({ name: 'dedupe_key', type: 'text', unique: true })
  dedupeKey!: string;

  @Column({ name: 'rule_id', type: 'uuid', nullable: true })
  ruleId!: string | null;

  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @Column({ name: 'account_id', type: 'bigint', nullable: true })
  accountId!: string | null;

  /** The stakeholder whose entry made the task (the first one, when several matched). */
  @Column({ name: 'customer_id', type: 'bigint', nullable: true })
  customerId!: string | null;

  @Column({ name: 'assignee_email', type: 'text' })
  assigneeEmail!: string;

  @Column({ name: 'assignee_name', type: 'text', nullable: true })
  assigneeName!: string | null;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @Column({ type: 'text', default: 'open' })
  status!: TaskStatus;

  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ name: 'value_delivered', type: 'text', nullable: true })
  valueDelivered!: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'completed_by', type: 'text', nullable: true })
  completedBy!: string | null;

  /** When the assignee was told about it (in a digest); null = not yet. */
  @Column({ name: 'notified_at', type: 'timestamptz', nullable: true })
  notifiedAt!: Date | null;

  @Column({ name: 'reminded_at', type: 'timestamptz', nullable: true })
  remindedAt!: Date | null;

  @Column({ name: 'escalated_at', type: 'timestamptz', nullable: true })
  escalatedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
