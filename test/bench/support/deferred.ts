/**
 * Clean-up actions, run last-in first-out at the end of a section, also after an error or
 * Ctrl-C. Once closed (Ctrl-C), nothing new may start: `add` runs its action at once.
 */
export class Deferred {
  private readonly actions: (() => Promise<unknown> | void)[] = [];
  private isClosed = false;

  get closed() {
    return this.isClosed;
  }

  add(action: () => Promise<unknown> | void) {
    if (this.isClosed) void Deferred.attempt(action);
    else this.actions.push(action);
  }

  /** Runs (and forgets) every action; one failing does not stop the others. */
  async runAll() {
    while (this.actions.length > 0) await Deferred.attempt(this.actions.pop()!);
  }

  /** Refuses new work and cleans up what there is. */
  async close() {
    this.isClosed = true;
    await this.runAll();
  }

  private static async attempt(action: () => Promise<unknown> | void) {
    try {
      await action();
    } catch (error) {
      console.error(`[bench] clean-up failed: ${(error as Error).message}`);
    }
  }
}
