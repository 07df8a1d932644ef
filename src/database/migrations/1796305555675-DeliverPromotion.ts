import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The DeliverPromoter's watermark (generated, plus its one row). The row starts at the
 * migration's time: every message scheduled before this release got its job at once, and
 * every one the new release leaves without a job is due more than a horizon later.
 */
export class DeliverPromotion1796305555675 implements MigrationInterface {
  name = 'DeliverPromotion1796305555675';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "deliver_promotion" (
                "id" smallint NOT NULL,
                "promoted_until" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_f382093addb3e006e7dbc2514da" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(
      `INSERT INTO "deliver_promotion" ("id", "promoted_until") VALUES (1, now())`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "deliver_promotion"
        `);
  }
}
