import type { RuleStatus } from './rule.entity';
import type { RuleDefinition } from './rule.schema';

/** A `rules` row as SQL returns it. */
export interface RuleRow {
  id: string;
  name: string;
  module: string;
  status: RuleStatus;
  trigger_type: string;
  trigger_event: string | null;
  goal_event: string | null;
  definition: RuleDefinition;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** A rule as the API returns it: the definition as saved, with id, status and version. */
export function ruleView(row: RuleRow) {
  return {
    id: row.id,
    ...row.definition,
    status: row.status,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
