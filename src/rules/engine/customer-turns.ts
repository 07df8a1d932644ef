/**
 * Which customers this process is evaluating right now. A batch takes the customers that are
 * free and leaves the others' events for after the batch that has them: two batches in
 * flight that shared one customer would otherwise make the whole second batch wait for the
 * first one's row lock, and the pipeline would run one batch at a time.
 *
 * In process only: other processes and the API still meet in the customers' row locks,
 * which are what keeps the engine correct; this only keeps one process out of its own way.
 */
export class CustomerTurns {
  private readonly busy = new Map<string, Promise<void>>();

  /**
   * Takes the free customers of `items` for the caller (until `release`), and says which
   * items must wait for another batch (`later`) and until when (`whenFree`).
   */
  take<T>(
    items: readonly T[],
    customerOf: (item: T) => string,
  ): { now: T[]; later: T[]; whenFree: Promise<void>; release: () => void } {
    const now: T[] = [];
    const later: T[] = [];
    const waits = new Set<Promise<void>>();
    const mine = new Set<string>();
    for (const item of items) {
      const customer = customerOf(item);
      const other = mine.has(customer) ? undefined : this.busy.get(customer);
      if (other) {
        later.push(item);
        waits.add(other);
      } else {
        now.push(item);
        mine.add(customer);
      }
    }
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    for (const customer of mine) this.busy.set(customer, done);
    return {
      now,
      later,
      whenFree: Promise.all(waits).then(() => undefined),
      release: () => {
        for (const customer of mine)
          if (this.busy.get(customer) === done) this.busy.delete(customer);
        release();
      },
    };
  }
}
