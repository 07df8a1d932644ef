import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The (status, send_at) index serves the reconciler and the promoter, which look only for
 * `scheduled` and `sending` messages. It held every message ever written: each send added an
 * entry (the update to `sent` is not HOT), each held-out row of a run one more. Now it holds
 * pending messages only, and stays as small as the backlog.
 */
export class PendingMessagesIndex1796500000000 implements MigrationInterface {
  name = 'PendingMessagesIndex1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_423c9451a6e7fe8767364019de"`);
    await queryRunner.query(
      `CREATE INDEX "messages_pending_idx" ON "messages" ("status", "send_at") WHERE status IN ('scheduled', 'sending')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."messages_pending_idx"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_423c9451a6e7fe8767364019de" ON "messages" ("status", "send_at")`,
    );
  }
}
