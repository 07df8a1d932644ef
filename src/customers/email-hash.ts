import { createHash } from 'node:crypto';

/** The hash suppressions are keyed by: case and surrounding space do not make a new address. */
export const emailHash = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
