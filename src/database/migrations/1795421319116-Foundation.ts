import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795421319116 implements MigrationInterface {
  name = 'Foundation1795421319116';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL,
                "name" text NOT NULL,
                "role" text NOT NULL,
                "key_hash" character(64) NOT NULL,
                "key_prefix" text NOT NULL,
                "owner_email" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_57384430aa1959f4578046c9b81" UNIQUE ("key_hash"),
                CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "accounts" (
                "id" BIGSERIAL NOT NULL,
                "external_id" text NOT NULL,
                "name" text NOT NULL,
                "owner_email" text NOT NULL,
                "owner_name" text,
                "attributes" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_ee32a4964f6c324a71536a89159" UNIQUE ("external_id"),
                CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "customers" (
                "id" BIGSERIAL NOT NULL,
                "external_id" text NOT NULL,
                "email" text,
                "first_name" text,
                "last_name" text,
                "locale" text,
                "timezone" text,
                "marketing_consent" boolean NOT NULL DEFAULT false,
                "account_id" bigint,
                "attributes" jsonb NOT NULL DEFAULT '{}',
                "orders_count" integer NOT NULL DEFAULT '0',
                "total_spent" numeric(14, 2) NOT NULL DEFAULT '0',
                "first_order_at" TIMESTAMP WITH TIME ZONE,
                "last_order_at" TIMESTAMP WITH TIME ZONE,
                "erased_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_e43cbaa500c383dc7f07915daa6" UNIQUE ("external_id"),
                CONSTRAINT "PK_133ec679a801fab5e070f73d3ea" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_ebcc29963874e55053e8ee80be" ON "customers" ("account_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "orders" (
                "id" BIGSERIAL NOT NULL,
                "external_id" text NOT NULL,
                "customer_id" bigint NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "total" numeric(14, 2),
                "currency" character(3),
                "coupon_code" text,
                "placed_at" TIMESTAMP WITH TIME ZONE,
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                "cancelled_at" TIMESTAMP WITH TIME ZONE,
                "cancel_reason" text,
                "returned_at" TIMESTAMP WITH TIME ZONE,
                "return_reason" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_d96f0019d74cc924f43ac1bdf6e" UNIQUE ("external_id"),
                CONSTRAINT "PK_710e2d4957aa5878dfe94e4ac2f" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_f8ab0f36a36db369a4d5ad3fa7" ON "orders" ("customer_id", "placed_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "order_items" (
                "order_id" bigint NOT NULL,
                "line" integer NOT NULL,
                "sku" text NOT NULL,
                "quantity" integer NOT NULL,
                "unit_price" numeric(14, 2) NOT NULL,
                CONSTRAINT "PK_787422741e5f8ec9847bced4b58" PRIMARY KEY ("order_id", "line")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_6e3deed119c802b447c42756fb" ON "order_items" ("sku")
        `);
    await queryRunner.query(`
            CREATE TABLE "products" (
                "id" BIGSERIAL NOT NULL,
                "sku" text NOT NULL,
                "name" text NOT NULL,
                "price" numeric(14, 2) NOT NULL,
                "currency" character(3) NOT NULL,
                "category" text,
                "url" text,
                "margin" numeric(5, 4),
                "attributes" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_c44ac33a05b144dd0d9ddcf9327" UNIQUE ("sku"),
                CONSTRAINT "PK_0806c755e0aca124e67c0cf6d7d" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "product_extras" (
                "product_id" bigint NOT NULL,
                "extra_sku" text NOT NULL,
                "kind" text NOT NULL,
                "position" integer NOT NULL,
                CONSTRAINT "PK_65b00a83c92cae100df57156157" PRIMARY KEY ("product_id", "extra_sku")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "suppressions" (
                "id" BIGSERIAL NOT NULL,
                "email_hash" character(64) NOT NULL,
                "reason" text NOT NULL,
                "scope" text NOT NULL DEFAULT 'all',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_f36c7c9642623b4efc3debd2b64" UNIQUE ("email_hash", "reason"),
                CONSTRAINT "PK_77bb19dbc77a4ce0ca8cb743f3b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "events" (
                "id" text NOT NULL,
                "type" text NOT NULL,
                "customer_id" bigint NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "properties" jsonb NOT NULL DEFAULT '{}',
                "source" text NOT NULL DEFAULT 'api',
                "enqueued_at" TIMESTAMP WITH TIME ZONE,
                "evaluated_at" TIMESTAMP WITH TIME ZONE,
                "evaluation_count" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "events_unevaluated_idx" ON "events" ("enqueued_at")
            WHERE evaluated_at IS NULL
                AND enqueued_at IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "events_unqueued_idx" ON "events" ("received_at")
            WHERE enqueued_at IS NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_53cb7bd5ba99c5f15d536a7eb4" ON "events" ("type", "occurred_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_62cae5ae23bb146f878720dbc4" ON "events" ("customer_id", "occurred_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "customers"
            ADD CONSTRAINT "FK_ebcc29963874e55053e8ee80be5" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "orders"
            ADD CONSTRAINT "FK_772d0ce0473ac2ccfa26060dbe9" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "order_items"
            ADD CONSTRAINT "FK_145532db85752b29c57d2b7b1f1" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "product_extras"
            ADD CONSTRAINT "FK_7ed0b14c8365977cf47e2e15c9d" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "events"
            ADD CONSTRAINT "FK_e6eff5dfd412651ce4e354f501c" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "events" DROP CONSTRAINT "FK_e6eff5dfd412651ce4e354f501c"
        `);
    await queryRunner.query(`
            ALTER TABLE "product_extras" DROP CONSTRAINT "FK_7ed0b14c8365977cf47e2e15c9d"
        `);
    await queryRunner.query(`
            ALTER TABLE "order_items" DROP CONSTRAINT "FK_145532db85752b29c57d2b7b1f1"
        `);
    await queryRunner.query(`
            ALTER TABLE "orders" DROP CONSTRAINT "FK_772d0ce0473ac2ccfa26060dbe9"
        `);
    await queryRunner.query(`
            ALTER TABLE "customers" DROP CONSTRAINT "FK_ebcc29963874e55053e8ee80be5"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_62cae5ae23bb146f878720dbc4"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_53cb7bd5ba99c5f15d536a7eb4"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."events_unqueued_idx"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."events_unevaluated_idx"
        `);
    await queryRunner.query(`
            DROP TABLE "events"
        `);
    await queryRunner.query(`
            DROP TABLE "suppressions"
        `);
    await queryRunner.query(`
            DROP TABLE "product_extras"
        `);
    await queryRunner.query(`
            DROP TABLE "products"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_6e3deed119c802b447c42756fb"
        `);
    await queryRunner.query(`
            DROP TABLE "order_items"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_f8ab0f36a36db369a4d5ad3fa7"
        `);
    await queryRunner.query(`
            DROP TABLE "orders"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_ebcc29963874e55053e8ee80be"
        `);
    await queryRunner.query(`
            DROP TABLE "customers"
        `);
    await queryRunner.query(`
            DROP TABLE "accounts"
        `);
    await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
  }
}
