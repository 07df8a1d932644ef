/** Clean-up actions, run last-in first-out at the end, also after an error or Ctrl-C. */
export class Deferred {
  private readonly actions: (() => Promise<unknown> | void)[] = [];

  add(action: () => Promise<unknown> | void) {
    this.actions.push(action);
  }

  /** Runs (and forgets) every action; one failing does not stop the others. */
  async runAll() {
    while (this.actions.length > 0) {
      const action = this.actions.pop()!;
      try {
        await action();
      } catch (error) {
        console.error(`[bench] clean-up failed: ${(error as Error).message}`);
      }
    }
  }
}
