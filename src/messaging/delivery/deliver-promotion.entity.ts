import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The DeliverPromoter's watermark, one row (id 1): every scheduled message due by
 * `promoted_until` has had its `deliver` job added (by the scheduling side or the promoter).
 * In Postgres, not Redis, so that it survives whatever happens to Redis; a flushed Redis
 * loses the jobs below it, which the reconciler re-adds once they are overdue.
 */
@Entity({ name: 'deliver_promotion' })
export class DeliverPromotionEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ name: 'promoted_until', type: 'timestamptz' })
  promotedUntil!: Date;
}
