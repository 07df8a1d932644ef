import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a rule run pays per message row, trimmed (a run over a million customers writes a
 * million of them):
 * - the (rule_id, status) index goes: the (rule_id, customer_id, created_at) index carries
 *   the status instead and answers a rule's counts by status from the index alone;
 * - created_at is indexed with BRIN: rows arrive in created_at order, so a few summary pages
 *   find a period for the reports, instead of a B-tree entry per message;
 * - the foreign keys messages → customers and message_status_changes → messages go: neither
 *   parent is ever deleted, every insert takes its ids from rows it just read or wrote, and
 *   each check cost a trigger call plus a row lock (a WAL record) on the parent per row.
 */
export class MessageWriteCost1796400000000 implements MigrationInterface {
  name = 'MessageWriteCost1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "message_status_changes" DROP CONSTRAINT "FK_b1f79e48fe843ee425f209f1c7e"`,
    );
    await queryRunner.query(
      `ALTER TABLE "messages" DROP CONSTRAINT "FK_9329a2ad0afbd9eb3e297628a92"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_f4b565589533c11ff7a58921ab"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_45695a1b88ef0f3e5e36f679d4"`);
    await queryRunner.query(
      `CREATE INDEX "messages_rule_customer_idx" ON "messages" ("rule_id", "customer_id", "created_at") INCLUDE ("status")`,
    );
    await queryRunner.query(`DROP INDEX "public"."messages_created_at_idx"`);
    await queryRunner.query(
      `CREATE INDEX "messages_created_at_brin" ON "messages" USING brin ("created_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."messages_created_at_brin"`);
    await queryRunner.query(`CREATE INDEX "messages_created_at_idx" ON "messages" ("created_at")`);
    await queryRunner.query(`DROP INDEX "public"."messages_rule_customer_idx"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_45695a1b88ef0f3e5e36f679d4" ON "messages" ("rule_id", "customer_id", "created_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_f4b565589533c11ff7a58921ab" ON "messages" ("rule_id", "status")`,
    );
    await queryRunner.query(
      `ALTER TABLE "messages" ADD CONSTRAINT "FK_9329a2ad0afbd9eb3e297628a92" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "message_status_changes" ADD CONSTRAINT "FK_b1f79e48fe843ee425f209f1c7e" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE`,
    );
  }
}
