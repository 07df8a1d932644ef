import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Runs `work` every `intervalMs` in this process while it holds a Postgres advisory lock,
 * so among many workers one at a time does it. A timer in the process, not a repeatable
 * BullMQ job: it must keep running when Redis was flushed or failed over, which is exactly
 * when its work (re-adding lost jobs) matters.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly lockKey: number,
    private readonly db: DataSource,
    private readonly work: () => Promise<unknown>,
    private readonly logger = new Logger(name),
  ) {}

  start(intervalMs: number) {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .then(() => undefined)
        .catch((error: Error) => this.logger.warn(`${this.name} pass failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, intervalMs);
  }

  async stop() {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass under the lock; returns false when another process holds it. */
  async runOnce(): Promise<boolean> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        this.lockKey,
      ])) as { locked: boolean }[];
      if (!locked) return false;
      try {
        await this.work();
        return true;
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [this.lockKey]);
      }
    } finally {
      await runner.release();
    }
  }
}
