import { CpuUsage, measureCpu } from './cpu-usage';
import { LoadResult } from './load';
import { ActivityShare, sampleActivity } from './pg-activity';
import { LatencySummary, summarizeLatencies } from './stats';

/** One load and what was seen around it. */
export interface PhaseLoad {
  load: LoadResult;
  latency: LatencySummary;
  cpu: CpuUsage;
  /** What the database's sessions were doing, on average. */
  activity: ActivityShare[];
}

/** Runs a load while measuring CPU (service, Postgres, Redis, …) and sampling Postgres sessions. */
export async function observed(
  ctx: { databaseUrl: string },
  servicePid: number,
  load: () => Promise<LoadResult>,
): Promise<PhaseLoad> {
  const sampler = await sampleActivity(ctx.databaseUrl);
  let sampled = false;
  try {
    const cpu = measureCpu(servicePid);
    const result = await load();
    const usage = cpu({ postgresPids: await sampler.pids() });
    sampled = true;
    const activity = await sampler.stop();
    return {
      load: result,
      latency: summarizeLatencies(result.latenciesMs),
      cpu: usage,
      activity: activity.shares,
    };
  } finally {
    if (!sampled) await sampler.stop().catch(() => undefined);
  }
}
