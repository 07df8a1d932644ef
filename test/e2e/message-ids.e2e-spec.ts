import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl, templateDb, testDbName, withAdminClient } from '../support/services';

/** RFC 9562 version 7: version nibble 7, variant bits 10. */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The Unix time in milliseconds in a v7 UUID's first 48 bits. */
const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

/**
 * `uuid_v7()` (migration UuidV7), which message ids come from. In Postgres, so tested against
 * the migrated schema on a database of its own (no application needed).
 */
describe('uuid_v7()', () => {
  const name = testDbName(`uuid_${randomBytes(4).toString('hex')}`);
  let client: Client;

  beforeAll(async () => {
    await withAdminClient((admin) =>
      admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDb()}"`),
    );
    client = new Client({ connectionString: databaseUrl(name) });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });

  const ids = async (n: number) =>
    (
      await client.query<{ id: string }>('SELECT uuid_v7() AS id FROM generate_series(1, $1)', [n])
    ).rows.map((row) => row.id);

  it('makes distinct version-7 UUIDs whose first 48 bits are the current time in ms', async () => {
    const before = Date.now();
    const made = await ids(10_000);
    const after = Date.now();
    expect(made.filter((id) => !UUID_V7.test(id))).toEqual([]);
    expect(new Set(made).size).toBe(made.length);
    for (const id of [made[0], made[made.length - 1]]) {
      // Postgres and the test share the machine's clock.
      expect(millisOf(id)).toBeGreaterThanOrEqual(before - 1);
      expect(millisOf(id)).toBeLessThanOrEqual(after + 1);
    }
    // Random after the time: the last 74 bits are not a counter.
    const tails = new Set(made.map((id) => id.slice(-12)));
    expect(tails.size).toBe(made.length);
  });

  it('orders ids of later milliseconds after earlier ones, as text and as uuid', async () => {
    const batches: string[][] = [];
    for (let i = 0; i < 5; i++) {
      batches.push(await ids(100));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    for (let i = 1; i < batches.length; i++) {
      const earliest = batches[i].reduce((a, b) => (a < b ? a : b));
      const latestBefore = batches[i - 1].reduce((a, b) => (a > b ? a : b));
      expect(earliest > latestBefore).toBe(true);
      const {
        rows: [{ ordered }],
      } = await client.query<{ ordered: boolean }>('SELECT $1::uuid > $2::uuid AS ordered', [
        earliest,
        latestBefore,
      ]);
      expect(ordered).toBe(true);
    }
    // Within one statement the time never goes back (clock_timestamp moves with the rows).
    const one = await ids(5_000);
    const times = one.map(millisOf);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
  });
});
