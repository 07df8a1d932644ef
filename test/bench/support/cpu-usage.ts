import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU used by the parties of a load test, from /proc (Linux; elsewhere every figure is
 * null): the service process, all Postgres processes, Redis, this process (the load
 * generator) and the whole machine. Tells which side was the bottleneck.
 */

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every mainstream Linux build

interface Snapshot {
  at: number;
  machine: { busy: number; total: number } | null;
  service: number | null;
  postgres: number | null;
  redis: number | null;
  generator: number;
}

export interface CpuUsage {
  /** Percent of one core over the interval; 200 = two cores busy. */
  servicePercent: number | null;
  postgresPercent: number | null;
  redisPercent: number | null;
  generatorPercent: number;
  /** Percent of the whole machine (all cores). */
  machinePercent: number | null;
  cores: number | null;
}

function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and is wrapped in parentheses).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

/** Ticks of every process with this command name (all Postgres backends, say). */
function commandTicks(command: string): number | null {
  try {
    let total = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== command) continue;
      } catch {
        continue; // the process ended meanwhile
      }
      total += processTicks(Number(entry)) ?? 0;
    }
    return total;
  } catch {
    return null;
  }
}

function machineTicks(): { busy: number; total: number; cores: number } | null {
  try {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n');
    const values = lines[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = values[3] + values[4]; // idle + iowait
    const cores = lines.filter((line) => /^cpu\d+ /.test(line)).length;
    return { busy: total - idle, total, cores };
  } catch {
    return null;
  }
}

/** Starts measuring; call the returned function at the end of the interval. */
export function measureCpu(servicePid?: number): () => CpuUsage {
  const snapshot = (): Snapshot & { cores: number | null } => {
    const machine = machineTicks();
    const usage = process.cpuUsage();
    return {
      at: performance.now(),
      machine,
      cores: machine?.cores ?? null,
      service: servicePid === undefined ? null : processTicks(servicePid),
      postgres: commandTicks('postgres'),
      redis: commandTicks('redis-server'),
      generator: (usage.user + usage.system) / 1000, // ms
    };
  };
  const before = snapshot();
  return () => {
    const after = snapshot();
    const seconds = (after.at - before.at) / 1000;
    const percentOfCore = (a: number | null, b: number | null) =>
      a === null || b === null ? null : (100 * (b - a)) / CLOCK_TICKS_PER_SECOND / seconds;
    return {
      servicePercent: percentOfCore(before.service, after.service),
      postgresPercent: percentOfCore(before.postgres, after.postgres),
      redisPercent: percentOfCore(before.redis, after.redis),
      generatorPercent: (100 * (after.generator - before.generator)) / 1000 / seconds,
      machinePercent:
        before.machine && after.machine
          ? (100 * (after.machine.busy - before.machine.busy)) /
            Math.max(1, after.machine.total - before.machine.total)
          : null,
      cores: after.cores,
    };
  };
}
