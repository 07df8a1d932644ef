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
  bodiesBuilt: number;
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
    let bodiesBuilt = 0;
    let lastAnswerAt = 0;
    let buildError: Error | undefined;
    const started = performance.now();
    let instance: autocannon.Instance;
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
          requests: [
            {
              method: options.method,
              path: options.path,
              headers: options.headers,
              setupRequest: (request) => {
                try {
                  const body = options.nextBody();
                  bodiesBuilt++;
                  return { ...request, body };
                } catch (error) {
                  // Throwing inside autocannon's socket callbacks would crash the process.
                  buildError ??= error as Error;
                  instance?.stop();
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
          if (error) return reject(error);
          if (buildError) return reject(buildError);
          resolve({
            wallMs: (lastAnswerAt || performance.now()) - started,
            answers: latenciesMs.length,
            latenciesMs,
            statusCounts,
            errors: result.errors,
            timeouts: result.timeouts,
            bodiesBuilt,
          });
        },
      );
    } catch (error) {
      return reject(error instanceof Error ? error : new Error(String(error)));
    }
    instance.on('response', (_client, status, _bytes, responseTimeMs) => {
      latenciesMs.push(responseTimeMs);
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      lastAnswerAt = performance.now();
    });
  });
}
