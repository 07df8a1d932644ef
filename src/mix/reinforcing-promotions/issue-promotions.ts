import type { EntityManager } from 'typeorm';
import { insertOptimistically } from '../../database/optimistic-insert';
import { timestampParams } from '../../database/timestamp-params';
import { uuidV7 } from '../../database/uuid-v7';
import { generateCodes } from './promotion-code';

/** One code to make: for the entry (message) with this dedupe key. */
export interface PromotionRequest {
  dedupeKey: string;
  /** The rule's `codePrefix`: requests of several rules go in one statement. */
  codePrefix: string;
  customerId: string;
  ruleId: string;
  discountPercent: number;
  expiresAt: Date;
}

export interface IssuedPromotion {
  dedupeKey: string;
  code: string;
  discountPercent: number;
  expiresAt: Date;
}

/** A code collision is a one-in-10^11 event per pair; eight in a row means something is broken. */
const MAX_ATTEMPTS = 8;

interface Row {
  dedupe_key: string;
  code: string;
  discount_percent: string;
  expires_at: Date;
}

/**
 * Stores one promotion per request, in the caller's transaction, and returns them in request
 * order. Idempotent by dedupe key: a retried entry gets the code (and the discount and expiry)
 * it got the first time. All rows go in one statement that skips conflicts of any kind; a
 * row that is neither inserted nor found by its dedupe key lost on its code (unique), and
 * only those are tried again with new codes.
 */
export async function issuePromotions(
  em: EntityManager,
  requests: readonly PromotionRequest[],
  makeCodes: (prefix: string, count: number) => string[] = generateCodes,
): Promise<IssuedPromotion[]> {
  const issued = new Map<string, IssuedPromotion>();
  const remember = (rows: Row[]) =>
    rows.forEach((row) =>
      issued.set(row.dedupe_key, {
        dedupeKey: row.dedupe_key,
        code: row.code,
        discountPercent: Number(row.discount_percent),
        expiresAt: row.expires_at,
      }),
    );
  let pending = [...new Map(requests.map((r) => [r.dedupeKey, r])).values()];
  for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
    const codes = codesFor(pending, makeCodes);
    // Time-ordered ids (uuidV7): a run's codes go to the right edge of the primary key. Made
    // here, so a plain insert that succeeded stored every row as sent and returns nothing.
    const ids = pending.map(() => uuidV7());
    // As numeric(5,2) stores it, so the answer is the same before and after a retry.
    const discounts = pending.map((r) => Number(r.discountPercent.toFixed(2)));
    const inserted = await insertOptimistically(em, ids, (onConflictDoNothing) =>
      em.query<{ id: string }[]>(
        `INSERT INTO promotions (id, dedupe_key, code, rule_id, customer_id, discount_percent, expires_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::bigint[],
                              $6::numeric[], $7::timestamptz[])
         ${onConflictDoNothing ? 'ON CONFLICT DO NOTHING RETURNING id' : ''}`,
        [
          ids,
          pending.map((r) => r.dedupeKey),
          codes,
          pending.map((r) => r.ruleId),
          pending.map((r) => r.customerId),
          discounts,
          timestampParams(pending.map((r) => r.expiresAt)),
        ],
      ),
    );
    pending.forEach((r, i) => {
      if (!inserted.has(ids[i])) return;
      issued.set(r.dedupeKey, {
        dedupeKey: r.dedupeKey,
        code: codes[i],
        discountPercent: discounts[i],
        expiresAt: r.expiresAt,
      });
    });
    const missing = pending.filter((r) => !issued.has(r.dedupeKey)).map((r) => r.dedupeKey);
    if (missing.length > 0) {
      remember(
        await em.query<Row[]>(
          `SELECT dedupe_key, code, discount_percent, expires_at
             FROM promotions WHERE dedupe_key = ANY($1::text[])`,
          [missing],
        ),
      );
    }
    pending = pending.filter((r) => !issued.has(r.dedupeKey));
  }
  if (pending.length > 0) {
    throw new Error(
      `could not find a free promotion code for ${pending.length} entries after ${MAX_ATTEMPTS} attempts`,
    );
  }
  return requests.map((r) => issued.get(r.dedupeKey)!);
}

/** New codes for these requests, in their order: one `makeCodes` call per prefix. */
function codesFor(
  requests: readonly PromotionRequest[],
  makeCodes: (prefix: string, count: number) => string[],
): string[] {
  const positions = new Map<string, number[]>();
  requests.forEach((r, i) => {
    const list = positions.get(r.codePrefix) ?? [];
    list.push(i);
    positions.set(r.codePrefix, list);
  });
  const codes: string[] = new Array<string>(requests.length);
  for (const [prefix, at] of positions) {
    const made = makeCodes(prefix, at.length);
    at.forEach((position, k) => (codes[position] = made[k]));
  }
  return codes;
}
