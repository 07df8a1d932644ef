import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU used by the parties of a load test, from /proc (Linux; elsewhere the figures are
 * null): the service process, all Postgres processes, Redis, this process (the load
 * generator), interrupt handling (loopback networking is mostly softirq time, charged to
 * no process) and everything else. Tells which side was the bottleneck.
 */

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every mainstream Linux build

export interface CpuUsage {
  /** Length of the interval measured. */
  seconds: number;
  /** Percent of one core over the interval; 200 = two cores busy. */
  servicePercent: number | null;
  postgresPercent: number | null;
  redisPercent: number | null;
  generatorPercent: number;
  /** Interrupts and softirqs (network packets, disk completions). */
  irqPercent: number | null;
  /** Busy time none of the above explains: other processes on the machine, steal. */
  otherPercent: number | null;
  /** Percent of the whole machine (all cores). */
  machinePercent: number | null;
  cores: number | null;
}

interface Snapshot {
  at: number;
  machine: { busy: number; irq: number; total: number; cores: number } | null;
  service: number | null;
  postgres: Map<number, number> | null;
  redis: Map<number, number> | null;
  generatorMs: number;
}

function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and is wrapped in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

/** Ticks per process of every process with this command name (all Postgres backends, say). */
function commandTicks(command: string): Map<number, number> | null {
  try {
    const ticks = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== command) continue;
      } catch {
        continue; // the process ended meanwhile
      }
      const value = processTicks(Number(entry));
      if (value !== null) ticks.set(Number(entry), value);
    }
    return ticks;
  } catch {
    return null;
  }
}

/**
 * Ticks used in between. A process that started meanwhile counts in full; one that ended
 * meanwhile is lost (its last ticks are unknowable), so measure while connections are open.
 */
function ticksBetween(
  before: Map<number, number> | null,
  after: Map<number, number> | null,
  only?: ReadonlySet<number>,
) {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, ticks] of after) {
    if (!only || only.has(pid)) total += ticks - Math.min(ticks, before.get(pid) ?? 0);
  }
  return total;
}

/** Which processes count; by default every process of the command. */
export interface CpuFilter {
  /** Postgres server processes of this benchmark (see `postgresPids`), not other databases' sessions. */
  postgresPids?: ReadonlySet<number>;
}

function machineTicks(): Snapshot['machine'] {
  try {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n');
    // user nice system idle iowait irq softirq steal
    const [user, nice, system, idle, iowait, irq, softirq, steal] = lines[0]
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    return {
      busy: user + nice + system + irq + softirq + steal,
      irq: irq + softirq,
      total: user + nice + system + idle + iowait + irq + softirq + steal,
      cores: lines.filter((line) => /^cpu\d+ /.test(line)).length,
    };
  } catch {
    return null;
  }
}

function snapshot(servicePid: number | undefined): Snapshot {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    machine: machineTicks(),
    service: servicePid === undefined ? null : processTicks(servicePid),
    postgres: commandTicks('postgres'),
    redis: commandTicks('redis-server'),
    generatorMs: (usage.user + usage.system) / 1000,
  };
}

/** Starts measuring; call the returned function at the end of the interval. */
export function measureCpu(servicePid?: number): (filter?: CpuFilter) => CpuUsage {
  const before = snapshot(servicePid);
  return (filter = {}) => {
    const after = snapshot(servicePid);
    const seconds = (after.at - before.at) / 1000;
    const percentOfCore = (ticks: number | null) =>
      ticks === null ? null : (100 * ticks) / CLOCK_TICKS_PER_SECOND / seconds;
    const service = percentOfCore(
      before.service === null || after.service === null ? null : after.service - before.service,
    );
    const postgres = percentOfCore(
      ticksBetween(before.postgres, after.postgres, filter.postgresPids),
    );
    const redis = percentOfCore(ticksBetween(before.redis, after.redis));
    const generator = (100 * (after.generatorMs - before.generatorMs)) / 1000 / seconds;
    const m0 = before.machine;
    const m1 = after.machine;
    if (!m0 || !m1) {
      return {
        seconds,
        servicePercent: service,
        postgresPercent: postgres,
        redisPercent: redis,
        generatorPercent: generator,
        irqPercent: null,
        otherPercent: null,
        machinePercent: null,
        cores: null,
      };
    }
    // Machine ticks are summed over cores: a share of the total times the cores is a share of one core.
    const total = Math.max(1, m1.total - m0.total);
    const ofOneCore = (ticks: number) => (100 * ticks * m1.cores) / total;
    const irq = ofOneCore(m1.irq - m0.irq);
    const busy = ofOneCore(m1.busy - m0.busy);
    const known = (service ?? 0) + (postgres ?? 0) + (redis ?? 0) + generator + irq;
    return {
      seconds,
      servicePercent: service,
      postgresPercent: postgres,
      redisPercent: redis,
      generatorPercent: generator,
      irqPercent: irq,
      otherPercent: Math.max(0, busy - known),
      machinePercent: (100 * (m1.busy - m0.busy)) / total,
      cores: m1.cores,
    };
  };
}

const percent = (value: number | null) => (value === null ? 'n/a' : `${Math.round(value)} %`);

/** One line for the terminal. */
export function describeCpu(usage: CpuUsage): string {
  return [
    `service ${percent(usage.servicePercent)}`,
    `postgres ${percent(usage.postgresPercent)}`,
    `redis ${percent(usage.redisPercent)}`,
    `load generator ${percent(usage.generatorPercent)}`,
    `interrupts ${percent(usage.irqPercent)}`,
    `other ${percent(usage.otherPercent)}`,
    `(of one core; machine ${percent(usage.machinePercent)} of ${usage.cores ?? '?'} cores)`,
  ].join(', ');
}
