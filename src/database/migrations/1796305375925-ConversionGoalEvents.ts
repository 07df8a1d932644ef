import { MigrationInterface, QueryRunner } from 'typeorm';

/** The goal tracker's "has this event converted for this rule" lookup, by index. */
export class ConversionGoalEvents1796305375925 implements MigrationInterface {
  name = 'ConversionGoalEvents1796305375925';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "IDX_40bd2fb1b0bebce5049d61572b" ON "conversions" ("rule_id", "event_id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."IDX_40bd2fb1b0bebce5049d61572b"
        `);
  }
}
