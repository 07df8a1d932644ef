import { startChildScript } from './child-script';
import { BenchContext } from './section';
import type { SinkStats } from './smtp-sink-process';

export type { SinkStats };

/** The SMTP sink process (smtp-sink-process.ts), seen from the benchmark. */
export interface SmtpSinkHandle {
  pid: number;
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  host: string;
  port: number;
  stats: () => Promise<SinkStats>;
  /** Zeroes the counts; answers those before. */
  reset: () => Promise<SinkStats>;
  /** Every Message-ID received since the last reset, in order of arrival. */
  ids: () => Promise<string[]>;
  stop: () => Promise<void>;
}

export async function startSmtpSink(
  ctx: BenchContext,
  name = 'smtp-sink',
): Promise<SmtpSinkHandle> {
  const child = startChildScript(ctx, {
    name,
    script: 'test/bench/support/smtp-sink-process.ts',
    env: { NODE_ENV: 'production' },
  });
  const { port } = await child.waitFor<{ port: number }>('ready');
  return {
    pid: child.pid,
    url: `smtp://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    stats: () => child.call<SinkStats>('stats'),
    reset: () => child.call<SinkStats>('reset'),
    ids: () => child.call<string[]>('ids'),
    stop: () => child.stop(),
  };
}

/** Polls the sink until it has accepted `count` messages, or it stalls, or time runs out. */
export async function waitForSink(
  sink: SmtpSinkHandle,
  count: number,
  opts: { stallMs: number; deadlineMs: number; intervalMs?: number; alive?: () => string | null },
): Promise<{ stats: SinkStats; stoppedEarly?: string }> {
  const started = Date.now();
  let stats = await sink.stats();
  let progressAt = Date.now();
  let seen = stats.accepted;
  while (stats.accepted < count) {
    const dead = opts.alive?.();
    if (dead) return { stats, stoppedEarly: dead };
    if (Date.now() - progressAt > opts.stallMs) {
      return { stats, stoppedEarly: `no message for ${opts.stallMs / 1000} s` };
    }
    if (Date.now() - started > opts.deadlineMs) {
      return { stats, stoppedEarly: `still sending after ${opts.deadlineMs / 1000} s` };
    }
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
    stats = await sink.stats();
    if (stats.accepted > seen) {
      seen = stats.accepted;
      progressAt = Date.now();
    }
  }
  return { stats };
}
