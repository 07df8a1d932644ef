import { DataSource, EntityManager } from 'typeorm';

/** Postgres errors after which the whole transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock detected

/**
 * Runs `work` in one transaction (one per request: nothing is half-written), retrying a
 * few times when Postgres chose it as a deadlock or serialization victim.
 */
export async function withTransaction<T>(
  db: DataSource,
  work: (em: EntityManager) => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      const code =
        (error as { code?: string }).code ??
        (error as { driverError?: { code?: string } }).driverError?.code;
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}
