import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadOptions, LoadResult } from './load';

/**
 * An open-loop load at an exact rate: request n is due at start + n / rate, whatever happened
 * to the ones before, and its latency is counted from when it was due — so a slow answer
 * delays nobody's clock and a generator that falls behind shows up as latency, never hides
 * it (no coordinated omission). autocannon's `overallRate` sends each connection's share of
 * a second back to back instead, which measures bursts, not a steady 500 requests/s.
 */
export function runPacedLoad(
  options: Omit<LoadOptions, 'connections' | 'overallRate'> & {
    rate: number;
    amount: number;
    maxSockets?: number;
  },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const target = new URL(options.path, options.url);
  const latenciesMs: number[] = [];
  const statusCounts: Record<number, number> = {};
  let errors = 0;
  let timeouts = 0;
  let sent = 0;
  let answered = 0;
  let failures = 0;
  const start = performance.now();
  const intervalMs = 1000 / options.rate;

  return new Promise((resolve) => {
    let stoppedEarly: string | undefined;
    let lastAnswerAt = start;
    const finish = () => {
      agent.destroy();
      resolve({
        wallMs: lastAnswerAt - start,
        answers: answered,
        latenciesMs,
        statusCounts,
        errors,
        timeouts,
        sent,
        stoppedEarly,
      });
    };
    const settle = () => {
      if (answered + errors + timeouts >= sent && (sent >= options.amount || stoppedEarly))
        finish();
    };
    const fire = (dueAt: number) => {
      sent++;
      const body = options.nextBody();
      const req = request(
        target,
        {
          method: options.method,
          headers: options.headers,
          agent,
          timeout: (options.timeoutSec ?? 10) * 1000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            lastAnswerAt = performance.now();
            latenciesMs.push(lastAnswerAt - dueAt);
            const status = res.statusCode ?? 0;
            statusCounts[status] = (statusCounts[status] ?? 0) + 1;
            if (status >= 300) failures++;
            answered++;
            options.onAnswer?.(status, Buffer.concat(chunks).toString());
            settle();
          });
        },
      );
      req.on('timeout', () => {
        timeouts++;
        failures++;
        req.destroy();
        settle();
      });
      req.on('error', () => {
        if (!req.destroyed || failures === 0) errors++;
        failures++;
        settle();
      });
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      // Send everything that is due (after a stall, the late ones go at once, timed from when they were due).
      while (sent < options.amount && start + sent * intervalMs <= now) {
        if (options.maxFailures !== undefined && failures > options.maxFailures) {
          stoppedEarly = `more than ${options.maxFailures} failures`;
          break;
        }
        fire(start + sent * intervalMs);
      }
      if (sent < options.amount && !stoppedEarly) {
        setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
      } else settle();
    };
    tick();
  });
}
