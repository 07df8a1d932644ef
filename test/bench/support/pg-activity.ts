import { Client } from 'pg';

/** A state of the database's sessions and how many were in it, on average. */
export interface ActivityShare {
  state: string;
  /** Average number of sessions in this state. */
  sessions: number;
}

/**
 * The server processes working for one database: its sessions and the shared background
 * processes (WAL writer, checkpointer, …), but not other databases' sessions.
 */
export const POSTGRES_PIDS_SQL = `SELECT pid FROM pg_stat_activity
  WHERE datname = current_database() OR backend_type <> 'client backend'`;

export interface ActivitySampler {
  /** The Postgres processes of the sampled database, now (for `measureCpu`). */
  pids: () => Promise<Set<number>>;
  stop: () => Promise<{ samples: number; shares: ActivityShare[] }>;
}

/**
 * Samples what the database's sessions are doing while a load runs (pg_stat_activity every
 * `intervalMs`). The shares tell where requests wait: `active` on Postgres's CPU,
 * `active, waiting on Lock:*` on each other's row locks, `idle in transaction` on the
 * service (which holds a transaction open while its event loop gets to the next statement),
 * `idle` when a pooled connection has nothing to do.
 */
export async function sampleActivity(
  databaseUrl: string,
  intervalMs = 50,
): Promise<ActivitySampler> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ state: string; count: string }>(
        `SELECT CASE
                  WHEN state = 'active' AND wait_event_type IS NOT NULL
                    THEN 'active, waiting on ' || wait_event_type || ':' || wait_event
                  ELSE coalesce(state, 'unknown')
                END AS state,
                count(*) AS count
           FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND backend_type = 'client backend'
          GROUP BY 1`,
      );
      samples++;
      for (const row of rows)
        counts.set(row.state, (counts.get(row.state) ?? 0) + Number(row.count));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    pids: async () => {
      const { rows } = await client.query<{ pid: number }>(POSTGRES_PIDS_SQL);
      return new Set(rows.map((row) => row.pid));
    },
    stop: async () => {
      running = false;
      await loop;
      await client.end();
      const shares = [...counts]
        .map(([state, total]) => ({ state, sessions: total / Math.max(1, samples) }))
        .sort((a, b) => b.sessions - a.sessions);
      return { samples, shares };
    },
  };
}

/** Deadlocks and rolled-back transactions in a database so far (pg_stat_database). */
export async function transactionStats(
  databaseUrl: string,
): Promise<{ deadlocks: number; rollbacks: number; commits: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // The statistics collector publishes with a delay of up to 500 ms; ask for a fresh snapshot.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{
      deadlocks: string;
      xact_rollback: string;
      xact_commit: string;
    }>(
      'SELECT deadlocks, xact_rollback, xact_commit FROM pg_stat_database WHERE datname = current_database()',
    );
    return {
      deadlocks: Number(rows[0].deadlocks),
      rollbacks: Number(rows[0].xact_rollback),
      commits: Number(rows[0].xact_commit),
    };
  } finally {
    await client.end();
  }
}

/** One line for the terminal: the most frequent states first. */
export function describeActivity(shares: ActivityShare[], count = 6): string {
  return shares
    .slice(0, count)
    .map((share) => `${share.state} ${share.sessions.toFixed(1)}`)
    .join(', ');
}
