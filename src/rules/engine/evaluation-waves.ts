/**
 * Splits a batch of events into waves in which each customer appears at most once, keeping
 * the batch's order: a customer's second event goes to the next wave, their third to the one
 * after. The evaluator runs the waves one after another in one transaction, so each of a
 * customer's events sees what the previous one did (an entry that makes the next one too
 * soon, a goal that cancels a message, a refreshed value tier), exactly as if the events had
 * been evaluated one by one — while the events of different customers, which cannot affect
 * each other, share every statement of their wave.
 */
export function evaluationWaves<T>(items: readonly T[], customerOf: (item: T) => string): T[][] {
  const waves: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const customer = customerOf(item);
    const wave = seen.get(customer) ?? 0;
    seen.set(customer, wave + 1);
    (waves[wave] ??= []).push(item);
  }
  return waves;
}
