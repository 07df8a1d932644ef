export const ROLES = ['admin', 'marketer', 'support', 'sales', 'ingest'] as const;
export type Role = (typeof ROLES)[number];
