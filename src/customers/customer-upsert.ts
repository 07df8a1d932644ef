import { EntityManager } from 'typeorm';
import { FieldError } from '../common/problem/problem';
import { CustomerProfile } from './customer.schemas';

/** Profile field → column. The order is the order of the INSERT's columns. */
const COLUMNS = {
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  locale: 'locale',
  timezone: 'timezone',
  marketingConsent: 'marketing_consent',
  accountId: 'account_id',
  attributes: 'attributes',
} as const;
type ProfileField = keyof typeof COLUMNS;
const FIELDS = Object.keys(COLUMNS) as ProfileField[];
const TYPES: Record<ProfileField, string> = {
  email: 'text',
  firstName: 'text',
  lastName: 'text',
  locale: 'text',
  timezone: 'text',
  marketingConsent: 'boolean',
  accountId: 'bigint',
  attributes: 'jsonb',
};

export interface UpsertedCustomer {
  externalId: string;
  id: string | null;
  created: boolean;
  /** Why the profile was not stored, if it was not. */
  error?: { status: 409 | 422; errors: FieldError[]; detail: string };
}

/**
 * Creates or updates customers in as few statements as possible: profiles that carry the
 * same set of fields share one multi-row `INSERT … ON CONFLICT DO UPDATE` that sets only
 * those fields. An erased customer is never revived (the update's WHERE skips it).
 */
export async function upsertCustomers(
  em: EntityManager,
  profiles: { externalId: string; profile: CustomerProfile }[],
): Promise<Map<string, UpsertedCustomer>> {
  const results = new Map<string, UpsertedCustomer>();
  // Last profile for a customer wins, as if the requests had come one after the other.
  const latest = new Map<string, CustomerProfile>();
  for (const { externalId, profile } of profiles) latest.set(externalId, profile);
  if (latest.size === 0) return results;

  const accountIds = await resolveAccounts(em, [...latest.values()]);
  const groups = new Map<string, { externalId: string; values: unknown[] }[]>();
  for (const [externalId, profile] of [...latest].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (profile.accountId && !accountIds.has(profile.accountId)) {
      results.set(externalId, {
        externalId,
        id: null,
        created: false,
        error: {
          status: 422,
          detail: `account ${profile.accountId} is unknown; PUT /v1/accounts/${profile.accountId} first`,
          errors: [{ path: 'accountId', message: 'unknown account' }],
        },
      });
      continue;
    }
    const given = FIELDS.filter((field) => profile[field] !== undefined);
    const values = given.map((field) => {
      if (field === 'accountId')
        return profile.accountId ? accountIds.get(profile.accountId) : null;
      if (field === 'attributes') return JSON.stringify(profile.attributes);
      return profile[field];
    });
    const signature = given.join(',');
    const group = groups.get(signature) ?? [];
    group.push({ externalId, values });
    groups.set(signature, group);
  }

  for (const [signature, rows] of groups) {
    const given = signature.split(',') as ProfileField[];
    const columns = ['external_id', ...given.map((f) => COLUMNS[f])];
    const types = ['text', ...given.map((f) => TYPES[f])];
    // unnest() of one array per column: one statement and a fixed number of parameters.
    const arrays = columns.map((_, i) =>
      rows.map((row) => (i === 0 ? row.externalId : row.values[i - 1])),
    );
    const select = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
    const updates = given
      .map((f) => `${COLUMNS[f]} = EXCLUDED.${COLUMNS[f]}`)
      .concat('updated_at = now()')
      .join(', ');
    const inserted: { id: string; external_id: string; created: boolean }[] = await em.query(
      `INSERT INTO customers (${columns.join(', ')})
       SELECT * FROM unnest(${select})
       ON CONFLICT (external_id) DO UPDATE SET ${updates}
       WHERE customers.erased_at IS NULL
       RETURNING id, external_id, (xmax = 0) AS created`,
      arrays,
    );
    const byExternalId = new Map(inserted.map((row) => [row.external_id, row]));
    for (const row of rows) {
      const found = byExternalId.get(row.externalId);
      results.set(
        row.externalId,
        found
          ? { externalId: row.externalId, id: found.id, created: found.created }
          : {
              externalId: row.externalId,
              id: null,
              created: false,
              error: {
                status: 409,
                detail: `customer ${row.externalId} was erased and cannot be re-created under the same id`,
                errors: [{ path: 'customerId', message: 'customer was erased' }],
              },
            },
      );
    }
  }
  return results;
}

async function resolveAccounts(em: EntityManager, profiles: CustomerProfile[]) {
  const wanted = [...new Set(profiles.map((p) => p.accountId).filter((id): id is string => !!id))];
  if (wanted.length === 0) return new Map<string, string>();
  const rows: { id: string; external_id: string }[] = await em.query(
    'SELECT id, external_id FROM accounts WHERE external_id = ANY($1)',
    [wanted],
  );
  return new Map(rows.map((row) => [row.external_id, row.id]));
}
