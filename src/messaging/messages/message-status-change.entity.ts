import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { MessageEntity } from './message.entity';

/** The history of a message: every status it took, when and why. */
@Entity({ name: 'message_status_changes' })
@Index(['messageId', 'at'])
export class MessageStatusChangeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  // No foreign key: messages are never deleted, and every history row is written by the
  // statement that creates or moves its message. The check locked the message row it had
  // just written (a second WAL record per row) for nothing.
  @ManyToOne(() => MessageEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'message_id' })
  message?: MessageEntity;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** e.g. the deferral's new send time or the SMTP reply. */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}
