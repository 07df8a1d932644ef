import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  url: string;
  method: 'POST' | 'PUT' | 'GET';
  path: string;
  headers: Record<string, string>;
  /** Body of the next request; called once per request sent, in order. */
  nextBody: () => string | Buffer;
  /** Every answer's status and body (for checking answers; keep it cheap). */
  onAnswer?: (status: number, body: string) => void;
  connections: number;
  /** Stop after this many requests... */
  amount?: number;
  /** ...or after this many seconds. */
  durationSec?: number;
  /** Requests per second over all connections (autocannon's `overallRate`). */
  overallRate?: number;
  timeoutSec?: number;
  /** Give up after this many failures (non-2xx answers, errors, timeouts): the figures are void anyway. */
  maxFailures?: number;
  /** Give up after this many seconds whatever happens, so a broken service cannot hold the run for long. */
  deadlineSec?: number;
}

export interface LoadResult {
  /** From the first request to the last answer, in ms (autocannon's own duration is rounded up to whole seconds). */
  wallMs: number;
  answers: number;
  /** Response time of every answer, in ms, full precision. */
  latenciesMs: number[];
  statusCounts: Record<number, number>;
  /** Connection errors and timeouts (no answer at all). */
  errors: number;
  timeouts: number;
  /** Requests sent; those without an answer were still in flight when the load stopped. */
  sent: number;
  /** Why the load stopped before its amount or duration, if it did. */
  stoppedEarly?: string;
}

/** Loads in progress, so that Ctrl-C can stop them before stopping the service they hit. */
const running = new Set<(reason: string) => void>();

/** Stops every load in progress; each ends as if it had stopped early. */
export function stopAllLoads(reason = 'interrupted') {
  for (const stop of running) stop(reason);
}

/**
 * Runs autocannon against one endpoint, building each request's body on demand, and keeps
 * every latency so percentiles are exact. autocannon's own latency histogram is not used: with
 * `overallRate` it "corrects" for coordinated omission with an interval of ceil(1 / rate) ms,
 * i.e. 1 ms, which invents samples; we record what was measured.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latenciesMs: number[] = [];
    const statusCounts: Record<number, number> = {};
    let sent = 0;
    let failures = 0;
    let lastAnswerAt = 0;
    let buildError: Error | undefined;
    let stoppedEarly: string | undefined;
    let instance: autocannon.Instance | undefined;
    const stopEarly = (reason: string) => {
      if (stoppedEarly) return;
      stoppedEarly = reason;
      instance?.stop();
    };
    running.add(stopEarly);
    const started = performance.now();
    const deadline = options.deadlineSec
      ? setTimeout(
          () => stopEarly(`still running after ${options.deadlineSec} s`),
          options.deadlineSec * 1000,
        )
      : undefined;
    const countFailure = () => {
      failures++;
      if (options.maxFailures !== undefined && failures >= options.maxFailures) {
        stopEarly(`${failures} failed request(s)`);
      }
    };
    try {
      instance = autocannon(
        {
          url: options.url,
          connections: options.connections,
          // autocannon takes an explicit `undefined` as a value, so absent options stay absent.
          ...(options.amount ? { amount: options.amount } : {}),
          ...(options.durationSec ? { duration: options.durationSec } : {}),
          ...(options.overallRate
            ? { overallRate: options.overallRate, ignoreCoordinatedOmission: true }
            : {}),
          timeout: options.timeoutSec ?? 30,
          // autocannon notices the end of a load at its next sample tick (1 s by default);
          // a short tick keeps idle time out of what is measured around the load.
          sampleInt: 100,
          requests: [
            {
              method: options.method,
              path: options.path,
              headers: options.headers,
              setupRequest: (request) => {
                try {
                  const body = options.nextBody();
                  sent++;
                  return { ...request, body };
                } catch (error) {
                  // Throwing inside autocannon's socket callbacks would crash the process.
                  buildError ??= error as Error;
                  stopEarly(`no body: ${(error as Error).message}`);
                  return request;
                }
              },
              onResponse: options.onAnswer
                ? (status, body) => options.onAnswer!(status, body)
                : undefined,
            },
          ],
        },
        (error, result) => {
          clearTimeout(deadline);
          running.delete(stopEarly);
          if (error) return reject(error);
          if (buildError) return reject(buildError);
          resolve({
            wallMs: (lastAnswerAt || performance.now()) - started,
            answers: latenciesMs.length,
            latenciesMs,
            statusCounts,
            errors: result.errors,
            timeouts: result.timeouts,
            sent,
            stoppedEarly,
          });
        },
      );
    } catch (error) {
      clearTimeout(deadline);
      running.delete(stopEarly);
      return reject(error instanceof Error ? error : new Error(String(error)));
    }
    instance.on('response', (_client, status, _bytes, responseTimeMs) => {
      latenciesMs.push(responseTimeMs);
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      lastAnswerAt = performance.now();
      if (status >= 300) countFailure();
    });
    instance.on('reqError', countFailure);
  });
}

/** What went wrong in a load: other answers than `expected`, errors, an early stop. */
export function loadProblems(what: string, load: LoadResult, expected = 202): string[] {
  const problems: string[] = [];
  const others = Object.entries(load.statusCounts).filter(
    ([status]) => Number(status) !== expected,
  );
  if (others.length > 0) {
    const list = others.map(([status, n]) => `${n} × ${status}`).join(', ');
    problems.push(`${what}: answers other than ${expected}: ${list}`);
  }
  if (load.errors > 0) {
    problems.push(`${what}: ${load.errors} request error(s), ${load.timeouts} of them timeouts`);
  }
  if (load.stoppedEarly) problems.push(`${what}: stopped early: ${load.stoppedEarly}`);
  return problems;
}
