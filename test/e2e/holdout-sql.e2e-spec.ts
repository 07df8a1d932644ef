import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { holdoutBucket, holdoutBucketSql } from '../../src/rules/eligibility';
import { databaseUrl } from '../support/services';

/** A random positive bigint (1 .. 2^63 - 1) in decimal, as the `pg` driver returns one. */
function randomBigint(): string {
  const value = randomBytes(8).readBigUInt64BE() >> BigInt(Math.floor(Math.random() * 63) + 1);
  return (value === 0n ? 1n : value).toString();
}

describe('holdoutBucketSql in PostgreSQL', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: databaseUrl('postgres') });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
  });

  it('equals holdoutBucket for 2,000 random (uuid, bigint) pairs', async () => {
    const rules = Array.from({ length: 2_000 }, () => randomUUID());
    const customers = Array.from({ length: 2_000 }, randomBigint);
    // The edges: the smallest and the largest bigint.
    customers[0] = '1';
    customers[1] = '9223372036854775807';

    const { rows } = await client.query<{ r: string; c: string; bucket: number }>(
      `SELECT r, c::text AS c, ${holdoutBucketSql('r', 'c')} AS bucket
         FROM unnest($1::uuid[], $2::bigint[]) AS t(r, c)`,
      [rules, customers],
    );

    expect(rows).toHaveLength(2_000);
    // About half the hashes start with a hex digit of 8 or more: the ones a signed cast breaks.
    const highBit = rows.filter((row) => {
      const hex = createHash('md5').update(`${row.r}:${row.c}`).digest('hex');
      return Number.parseInt(hex[0], 16) >= 8;
    }).length;
    expect(highBit).toBeGreaterThan(800);
    const mismatches = rows.filter((row) => row.bucket !== holdoutBucket(row.r, row.c));
    expect(mismatches).toEqual([]);
    expect(rows.map((row) => row.c)).toEqual(customers); // ids round-trip in the same spelling
  });

  it('takes the rule id as a query parameter, as an audience query does', async () => {
    const rule = randomUUID();
    const customers = Array.from({ length: 200 }, (_, i) => String(i + 1));
    const { rows } = await client.query<{ c: string; bucket: number }>(
      `SELECT c::text AS c, ${holdoutBucketSql('$1', 'c')} AS bucket
         FROM unnest($2::bigint[]) AS c`,
      [rule, customers],
    );
    expect(rows.map((row) => [row.c, row.bucket])).toEqual(
      customers.map((c) => [c, holdoutBucket(rule, c)]),
    );
  });
});
