import { MigrationInterface, QueryRunner } from 'typeorm';

export class RulesAndModules1795432826318 implements MigrationInterface {
  name = 'RulesAndModules1795432826318';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "check_ins" (
                "id" uuid NOT NULL,
                "dedupe_key" text NOT NULL,
                "customer_id" bigint NOT NULL,
                "order_id" bigint,
                "rule_id" uuid,
                "source" text NOT NULL,
                "note" text,
                "requested_by" text,
                "answer" text,
                "comment" text,
                "answered_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_42b07cd5b0a59a80038370a635c" UNIQUE ("dedupe_key"),
                CONSTRAINT "PK_fac7f27bc829a454ad477c13f62" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_0afaef978933c2ac744c661964" ON "check_ins" ("customer_id", "order_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "promotion_redemptions" (
                "id" uuid NOT NULL,
                "event_id" text NOT NULL,
                "promotion_id" uuid,
                "code" text NOT NULL,
                "customer_id" bigint NOT NULL,
                "order_id" bigint,
                "status" text NOT NULL,
                "reason" text,
                "revenue" numeric(14, 2),
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_39f7d2b5963acb8df7208f56670" UNIQUE ("event_id"),
                CONSTRAINT "PK_17e98da71097f78ff330df148f7" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_39d64a2df33d0b8bc434108541" ON "promotion_redemptions" ("promotion_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "promotions" (
                "id" uuid NOT NULL,
                "dedupe_key" text NOT NULL,
                "code" text NOT NULL,
                "rule_id" uuid,
                "customer_id" bigint NOT NULL,
                "discount_percent" numeric(5, 2) NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "redeemed_at" TIMESTAMP WITH TIME ZONE,
                "redeemed_order_id" bigint,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_3b403369a9915f58a3d66c4fe0e" UNIQUE ("dedupe_key"),
                CONSTRAINT "UQ_8ab10e580f70c3d2e2e4b31ebf2" UNIQUE ("code"),
                CONSTRAINT "PK_380cecbbe3ac11f0e5a7c452c34" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_4e111f705b85855893de0a4204" ON "promotions" ("customer_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "tasks" (
                "id" uuid NOT NULL,
                "dedupe_key" text NOT NULL,
                "rule_id" uuid,
                "run_id" uuid,
                "account_id" bigint,
                "customer_id" bigint,
                "assignee_email" text NOT NULL,
                "assignee_name" text,
                "title" text NOT NULL,
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "status" text NOT NULL DEFAULT 'open',
                "outcome" text,
                "notes" text,
                "value_delivered" text,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "completed_by" text,
                "notified_at" TIMESTAMP WITH TIME ZONE,
                "reminded_at" TIMESTAMP WITH TIME ZONE,
                "escalated_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_75b420375e4ff7daac54b556f34" UNIQUE ("dedupe_key"),
                CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_0b678ac81854d978a1a04ce2c0" ON "tasks" ("rule_id", "customer_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_18dba2efdf8117134b5558d9bc" ON "tasks" ("status", "due_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_3fdcafc9d411815fa6e92f3409" ON "tasks" ("assignee_email", "status")
        `);
    await queryRunner.query(`
            CREATE TABLE "conversions" (
                "id" uuid NOT NULL,
                "rule_id" uuid NOT NULL,
                "customer_id" bigint NOT NULL,
                "group" text NOT NULL,
                "entry_id" uuid NOT NULL,
                "event_id" text NOT NULL,
                "converted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "revenue" numeric(14, 2),
                "currency" character(3),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_a24464f306439ceaa4de2f5c7e6" UNIQUE ("entry_id"),
                CONSTRAINT "PK_4af8c6388f42a1849ee9b22fa16" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_5573b4e1c98a180e856e2866e6" ON "conversions" ("rule_id", "group")
        `);
    await queryRunner.query(`
            CREATE TABLE "rule_audit" (
                "id" BIGSERIAL NOT NULL,
                "rule_id" uuid NOT NULL,
                "version" integer NOT NULL,
                "action" text NOT NULL,
                "actor_key_id" text,
                "actor_name" text NOT NULL,
                "before" jsonb,
                "after" jsonb NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_625b3e7681f4fa96774c6d80663" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_83cbd28097bcd75ceb5356f145" ON "rule_audit" ("rule_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "rule_runs" (
                "id" uuid NOT NULL,
                "rule_id" uuid NOT NULL,
                "occurrence" text NOT NULL,
                "trigger" text NOT NULL,
                "status" text NOT NULL DEFAULT 'running',
                "triggered_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "audience_size" integer,
                "processed" integer NOT NULL DEFAULT '0',
                "scheduled" integer NOT NULL DEFAULT '0',
                "held_out" integer NOT NULL DEFAULT '0',
                "skipped" jsonb NOT NULL DEFAULT '{}',
                "cursor" bigint,
                "error" text,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "finished_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_4f745fc3fa413d75d7dc13b2c51" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_765829e2370a1792db1dc79367" ON "rule_runs" ("rule_id", "occurrence")
        `);
    await queryRunner.query(`
            CREATE TABLE "rule_skips" (
                "rule_id" uuid NOT NULL,
                "reason" text NOT NULL,
                "count" bigint NOT NULL DEFAULT '0',
                CONSTRAINT "PK_0211d8ab0c9de3502add022d78b" PRIMARY KEY ("rule_id", "reason")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "rules" (
                "id" uuid NOT NULL,
                "name" text NOT NULL,
                "module" text NOT NULL,
                "status" text NOT NULL DEFAULT 'draft',
                "trigger_type" text NOT NULL,
                "trigger_event" text,
                "goal_event" text,
                "definition" jsonb NOT NULL,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_10fef696a7d61140361b1b23608" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_c0b462978d5cee8c55865e7951" ON "rules" ("status", "goal_event")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_63549d90f71e6739b3e8f7422a" ON "rules" ("status", "trigger_event")
        `);
    await queryRunner.query(`
            ALTER TABLE "customers"
            ADD "value_tier" text
        `);
    await queryRunner.query(`
            ALTER TABLE "customers"
            ADD "rfm_segment" text
        `);
    await queryRunner.query(`
            ALTER TABLE "customers"
            ADD "clv" numeric(14, 2)
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_45695a1b88ef0f3e5e36f679d4" ON "messages" ("rule_id", "customer_id", "created_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."IDX_45695a1b88ef0f3e5e36f679d4"
        `);
    await queryRunner.query(`
            ALTER TABLE "customers" DROP COLUMN "clv"
        `);
    await queryRunner.query(`
            ALTER TABLE "customers" DROP COLUMN "rfm_segment"
        `);
    await queryRunner.query(`
            ALTER TABLE "customers" DROP COLUMN "value_tier"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_63549d90f71e6739b3e8f7422a"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_c0b462978d5cee8c55865e7951"
        `);
    await queryRunner.query(`
            DROP TABLE "rules"
        `);
    await queryRunner.query(`
            DROP TABLE "rule_skips"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_765829e2370a1792db1dc79367"
        `);
    await queryRunner.query(`
            DROP TABLE "rule_runs"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_83cbd28097bcd75ceb5356f145"
        `);
    await queryRunner.query(`
            DROP TABLE "rule_audit"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_5573b4e1c98a180e856e2866e6"
        `);
    await queryRunner.query(`
            DROP TABLE "conversions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_3fdcafc9d411815fa6e92f3409"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_18dba2efdf8117134b5558d9bc"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_0b678ac81854d978a1a04ce2c0"
        `);
    await queryRunner.query(`
            DROP TABLE "tasks"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_4e111f705b85855893de0a4204"
        `);
    await queryRunner.query(`
            DROP TABLE "promotions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_39d64a2df33d0b8bc434108541"
        `);
    await queryRunner.query(`
            DROP TABLE "promotion_redemptions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_0afaef978933c2ac744c661964"
        `);
    await queryRunner.query(`
            DROP TABLE "check_ins"
        `);
  }
}
