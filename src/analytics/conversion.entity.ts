import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A rule's goal reached by a customer it treated or held out, attributed to one entry (the
 * last message of that rule sent — or, held out, that would have been sent — before the
 * goal event, within the goal window). One conversion per entry.
 */
@Entity({ name: 'conversions' })
@Index(['ruleId', 'group'])
// A goal event converts once per rule: the goal tracker asks whether (rule, event) has one
// for every goal event, which without this read all of the rule's conversions each time.
@Index(['ruleId', 'eventId'])
export class ConversionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'rule_id', type: 'uuid' })
  ruleId!: string;

  @Column({ name: 'customer_id', type: 'bigint' })
  customerId!: string;

  /** `treated` or `holdout`. */
  @Column({ type: 'text' })
  group!: 'treated' | 'holdout';

  /** The message (or task) the conversion is attributed to. */
  @Column({ name: 'entry_id', type: 'uuid', unique: true })
  entryId!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'converted_at', type: 'timestamptz' })
  convertedAt!: Date;

  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  revenue!: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
