import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the retention reports (src/analytics/reports): rows of a period by their time.
 * Built CONCURRENTLY, so a live shop keeps writing orders and messages while they build,
 * which rules out a transaction; a build interrupted halfway leaves an invalid index behind,
 * so each is dropped first and the migration can simply run again.
 */
const INDEXES: [name: string, definition: string][] = [
  ['orders_placed_at_idx', `"orders" ("placed_at")`],
  ['orders_cancelled_at_idx', `"orders" ("cancelled_at") WHERE cancelled_at IS NOT NULL`],
  ['orders_returned_at_idx', `"orders" ("returned_at") WHERE returned_at IS NOT NULL`],
  ['messages_created_at_idx', `"messages" ("created_at")`],
  ['check_ins_created_at_idx', `"check_ins" ("created_at")`],
  ['customers_first_order_at_idx', `"customers" ("first_order_at")`],
];

export class ReportIndexes1795450000000 implements MigrationInterface {
  name = 'ReportIndexes1795450000000';
  transaction = false;

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, definition] of INDEXES) {
      await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "public"."${name}"`);
      await queryRunner.query(`CREATE INDEX CONCURRENTLY "${name}" ON ${definition}`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name] of [...INDEXES].reverse()) {
      await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "public"."${name}"`);
    }
  }
}
