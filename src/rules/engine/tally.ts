/** What became of a batch of candidates: counted for a run's progress or a rule's stats. */
export interface Tally {
  scheduled: number;
  heldOut: number;
  /** By reason: `already_entered`, `unprofitable`, `no_eligible_extras`, … */
  skipped: Record<string, number>;
}

export function addSkip(tally: Tally, reason: string, n = 1) {
  tally.skipped[reason] = (tally.skipped[reason] ?? 0) + n;
}

export function mergeTally(into: Tally, from: Tally) {
  into.scheduled += from.scheduled;
  into.heldOut += from.heldOut;
  for (const [reason, n] of Object.entries(from.skipped)) addSkip(into, reason, n);
}
