import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `uuid_v7()`: a time-ordered UUID (RFC 9562 version 7) for message ids, which Postgres 15
 * lacks (17 has none either; 18 has `uuidv7()`). Random (v4) keys scatter a million inserts
 * over the whole primary-key index of `messages`, each touching a page that is likely out of
 * cache; keys that start with the time go to its right edge. Its first 48 bits are the Unix
 * time in milliseconds (clock_timestamp(), so it moves within a statement), the rest is
 * gen_random_uuid()'s randomness with the version bits turned from 4 (0100) into 7 (0111); the
 * variant bits are v4's already. Written by hand: TypeORM does not track functions.
 */
export class UuidV71796305555676 implements MigrationInterface {
  name = 'UuidV71796305555676';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION uuid_v7() RETURNS uuid
      LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
        SELECT encode(
                 set_bit(set_bit(
                   overlay(uuid_send(gen_random_uuid())
                           PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                           FROM 1 FOR 6),
                   52, 1), 53, 1),
                 'hex')::uuid
      $$
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION uuid_v7()`);
  }
}
