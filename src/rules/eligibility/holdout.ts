import { createHash } from 'node:crypto';

/**
 * Holdout groups prove a rule's lift: held-out customers get no message and are measured
 * against the same goal. Membership must be a pure function of (rule, customer) — not a coin
 * flip — so a retried job, a second worker and an audience query in SQL all put a customer in
 * the same group, and the group does not reshuffle when the rule runs again.
 *
 * The bucket is md5(`${ruleId}:${customerId}`), first 8 hex digits read as an unsigned 32-bit
 * integer, mod 10000: a basis point of the population each. md5 is used for its even spread
 * and because Postgres has it built in, not for secrecy. The ids must be spelled the same way
 * on both sides: a rule uuid in Postgres' lowercase text form, a customer bigint in decimal
 * with no leading zeros (what `::text` gives and what the `pg` driver returns).
 */
export const HOLDOUT_BUCKETS = 10_000;

/** The customer's bucket for the rule, an integer in [0, 10000). */
export function holdoutBucket(ruleId: string, customerId: string): number {
  const hex = createHash('md5').update(`${ruleId}:${customerId}`, 'utf8').digest('hex');
  // 8 hex digits are at most 2^32 - 1, exact in a double: no sign bit to worry about here.
  return Number.parseInt(hex.slice(0, 8), 16) % HOLDOUT_BUCKETS;
}

/**
 * The number of buckets held out for `holdoutPercent` (0..100, up to two decimals). Rounded,
 * because 0.07 * 100 is 7.000000000000001 in floating point and would hold out bucket 7 too.
 * Pass this, not the percent, to SQL (`bucket < $n`) so both sides draw the same line.
 */
export function holdoutThreshold(holdoutPercent: number): number {
  if (!Number.isFinite(holdoutPercent) || holdoutPercent < 0 || holdoutPercent > 100) {
    throw new RangeError(`holdoutPercent must be between 0 and 100, got ${holdoutPercent}`);
  }
  return Math.round(holdoutPercent * 100);
}

/** Whether a percentage is one the holdout can express exactly: 0..100 in steps of 0.01. */
export function isValidHoldoutPercent(holdoutPercent: number): boolean {
  if (!Number.isFinite(holdoutPercent) || holdoutPercent < 0 || holdoutPercent > 100) return false;
  const basisPoints = holdoutPercent * 100;
  return Math.abs(basisPoints - Math.round(basisPoints)) < 1e-6;
}

export function isHeldOut(ruleId: string, customerId: string, holdoutPercent: number): boolean {
  return holdoutBucket(ruleId, customerId) < holdoutThreshold(holdoutPercent);
}

/**
 * A PostgreSQL expression (type integer) equal to `holdoutBucket` for the rule and customer
 * that the two SQL expressions name, e.g. `holdoutBucketSql('$1', 'c.id')`. Both are cast to
 * text, so a uuid parameter and a bigint column work as they are.
 *
 * `('x' || hex)::bit(32)` reads the hex digits as bits; `::bigint` keeps them unsigned (through
 * `::int` a first digit of 8 or more would come out negative and the modulo with it).
 *
 * The arguments are pasted into SQL: pass placeholders and column names, never user input.
 */
export function holdoutBucketSql(ruleIdParam: string, customerIdExpr: string): string {
  return (
    `((('x' || substr(md5((${ruleIdParam})::text || ':' || (${customerIdExpr})::text), 1, 8))` +
    `::bit(32)::bigint % ${HOLDOUT_BUCKETS})::int)`
  );
}
