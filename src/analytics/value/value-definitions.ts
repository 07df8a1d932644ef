/**
 * The definitions of the customer value figures, exactly as value-sql.ts and the plain
 * functions compute them: the OpenAPI description of `GET /v1/customers/{id}` shows this text,
 * and README.md ("Customer value") says the same at more length. Change them together.
 */
export const VALUE_DEFINITIONS = [
  'Customer value (null until computed; refreshed when an order, return or case of the customer arrives, and for everyone nightly). Money is rounded to cents, half a cent away from zero; one shop currency is assumed:',
  '- Orders: placed and not cancelled (`ordersCount`); a kept order is one of them not returned.',
  '- `revenue` (= `totalSpent`): sum of the totals of kept orders.',
  '- `grossMargin`: over the lines of kept orders, Σ quantity × unit price × the product’s `margin` (DEFAULT_MARGIN, default 0.3, when it has none or is unknown); lines multiplied in double precision, the sum rounded to cents.',
  '- `costToServe`: cases × COST_PER_CASE (15) + returned orders × COST_PER_RETURN (10) + for each promotion code redeemed on a kept order, total × d ÷ (100 − d) with d its discount percent (the list price minus what was paid); rounded to cents.',
  '- `clv`: AOV × purchase frequency × EXPECTED_LIFESPAN_YEARS (3) × margin rate, with AOV = revenue ÷ orders, frequency = orders ÷ active span in years (first order to now, at least 30 days; years of 365.25 days), margin rate = grossMargin ÷ revenue — that is grossMargin × lifespan ÷ span, rounded to cents; 0 without revenue.',
  '- `rfm`: recency, frequency, monetary scores 1–5 against the quintile boundaries (percentile_disc at 20/40/60/80 %) of the customers with at least one order, taken at the last recompute for everyone: recency in whole days since the last order (5 − boundaries it is above), frequency in orders and monetary in revenue (1 + boundaries it is above). Null without orders.',
  '- `rfmSegment`, first match: new (one order, placed within 30 days) · champions (R, F, M ≥ 4) · at-risk (R ≤ 2, F ≥ 3) · loyal (F ≥ 4) · potential (R ≥ 4) · hibernating (the rest). Null without orders.',
  '- `valueTier`: unprofitable when costToServe > grossMargin; else low without orders; else high when clv is above the 80th percentile of the same cohort (top 20 %), medium above the 50th (next 30 %), low otherwise.',
].join('\n');
