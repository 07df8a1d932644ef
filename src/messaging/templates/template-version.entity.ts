import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * An immutable version of a template. Saving a template adds a version; messages record the
 * version they were rendered with, so what a customer got can always be shown again.
 */
@Entity({ name: 'template_versions' })
@Unique(['key', 'version'])
export class TemplateVersionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** `[a-z0-9.-]+`, e.g. `post-purchase.check-in`. */
  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  html!: string;

  /** Null: generated from the HTML when rendered. */
  @Column({ type: 'text', nullable: true })
  text!: string | null;

  /** `default` for the shipped templates, else the API key's name. */
  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
