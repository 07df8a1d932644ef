import { MigrationInterface, QueryRunner } from 'typeorm';

export class Messaging1795423921035 implements MigrationInterface {
  name = 'Messaging1795423921035';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "messages" (
                "id" uuid NOT NULL,
                "dedupe_key" text NOT NULL,
                "customer_id" bigint,
                "recipient" text,
                "module" text NOT NULL,
                "kind" text NOT NULL,
                "class" text NOT NULL,
                "priority" integer NOT NULL DEFAULT '50',
                "rule_id" uuid,
                "goal_event" text,
                "template_key" text NOT NULL,
                "template_version" integer,
                "context" jsonb NOT NULL DEFAULT '{}',
                "send_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "window_start" text,
                "window_end" text,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "status" text NOT NULL DEFAULT 'scheduled',
                "reason" text,
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "provider_message_id" text,
                "subject" text,
                "locked_until" TIMESTAMP WITH TIME ZONE,
                "possible_duplicate" boolean NOT NULL DEFAULT false,
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_9e07c2866e9ed6d1086882bf664" UNIQUE ("dedupe_key"),
                CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f4b565589533c11ff7a58921ab" ON "messages" ("rule_id", "status")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_423c9451a6e7fe8767364019de" ON "messages" ("status", "send_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_e1974c92c545e700c041e513bb" ON "messages" ("customer_id", "class", "sent_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "message_status_changes" (
                "id" BIGSERIAL NOT NULL,
                "message_id" uuid NOT NULL,
                "status" text NOT NULL,
                "reason" text,
                "detail" text,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_e1ca33ef7e2067fbd7b1063e7e2" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f883f0a57290ad6c4801ee79e1" ON "message_status_changes" ("message_id", "at")
        `);
    await queryRunner.query(`
            CREATE TABLE "template_versions" (
                "id" BIGSERIAL NOT NULL,
                "key" text NOT NULL,
                "version" integer NOT NULL,
                "subject" text NOT NULL,
                "html" text NOT NULL,
                "text" text,
                "created_by" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_8cc316cb2790134e18c40028f9e" UNIQUE ("key", "version"),
                CONSTRAINT "PK_cfc439255ca2725f4102c554d41" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "cases" (
                "id" uuid NOT NULL,
                "customer_id" bigint NOT NULL,
                "order_id" bigint,
                "check_in_id" uuid,
                "status" text NOT NULL DEFAULT 'open',
                "comment" text,
                "resolution" text,
                "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_264acb3048c240fb89aa34626db" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_812cdd2463791fcc40180295f2" ON "cases" ("customer_id", "status")
        `);
    await queryRunner.query(`
            ALTER TABLE "messages"
            ADD CONSTRAINT "FK_9329a2ad0afbd9eb3e297628a92" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "message_status_changes"
            ADD CONSTRAINT "FK_b1f79e48fe843ee425f209f1c7e" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "cases"
            ADD CONSTRAINT "FK_7a1c3dfb1bba433e1766d51d3ee" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "cases" DROP CONSTRAINT "FK_7a1c3dfb1bba433e1766d51d3ee"
        `);
    await queryRunner.query(`
            ALTER TABLE "message_status_changes" DROP CONSTRAINT "FK_b1f79e48fe843ee425f209f1c7e"
        `);
    await queryRunner.query(`
            ALTER TABLE "messages" DROP CONSTRAINT "FK_9329a2ad0afbd9eb3e297628a92"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_812cdd2463791fcc40180295f2"
        `);
    await queryRunner.query(`
            DROP TABLE "cases"
        `);
    await queryRunner.query(`
            DROP TABLE "template_versions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_f883f0a57290ad6c4801ee79e1"
        `);
    await queryRunner.query(`
            DROP TABLE "message_status_changes"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_e1974c92c545e700c041e513bb"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_423c9451a6e7fe8767364019de"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_f4b565589533c11ff7a58921ab"
        `);
    await queryRunner.query(`
            DROP TABLE "messages"
        `);
  }
}
