/** Who enters a rule and when its message goes out: pure functions, no Nest, no database. */
export {
  addDuration,
  isValidDuration,
  isValidTimezone,
  parseDuration,
  requireDuration,
  zoneOrUtc,
} from './durations';
export {
  HOLDOUT_BUCKETS,
  holdoutBucket,
  holdoutBucketSql,
  holdoutThreshold,
  isHeldOut,
  isValidHoldoutPercent,
} from './holdout';
export type { Reentry, ReentryDecision } from './reentry';
export { reentryDecision, reentryOccurrence } from './reentry';
export type { SendTimeInput } from './send-time';
export { sendTime } from './send-time';
export type { ValueTierGate } from './value-tier-gate';
export { SPENDING_MODULES, valueTierGate } from './value-tier-gate';
