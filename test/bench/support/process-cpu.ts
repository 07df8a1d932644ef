import { readFileSync } from 'node:fs';
import { CpuFilter, CpuUsage, measureCpu } from './cpu-usage';

/**
 * measureCpu (cpu-usage.ts) with more parties than the service: a helper process of the
 * benchmark (the SMTP sink, the scheduling script) is measured by pid, and its share is taken
 * out of `other`, where measureCpu would otherwise count it.
 */

const CLOCK_TICKS_PER_SECOND = 100;

function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

export interface PartiesCpu {
  usage: CpuUsage;
  /** Percent of one core, per named helper process (null when /proc could not tell). */
  helpers: Record<string, number | null>;
}

/** Starts measuring; call the returned function at the end of the interval. */
export function measureParties(
  servicePid: number | undefined,
  helperPids: Record<string, number>,
): (filter?: CpuFilter) => PartiesCpu {
  const machine = measureCpu(servicePid);
  const before = Object.fromEntries(
    Object.entries(helperPids).map(([name, pid]) => [name, processTicks(pid)]),
  );
  return (filter) => {
    const usage = machine(filter);
    const helpers: Record<string, number | null> = {};
    for (const [name, pid] of Object.entries(helperPids)) {
      const start = before[name];
      const end = processTicks(pid);
      helpers[name] =
        start === null || end === null
          ? null
          : (100 * (end - start)) / CLOCK_TICKS_PER_SECOND / usage.seconds;
    }
    const known = Object.values(helpers).reduce<number>((sum, value) => sum + (value ?? 0), 0);
    return {
      usage: {
        ...usage,
        otherPercent: usage.otherPercent === null ? null : Math.max(0, usage.otherPercent - known),
      },
      helpers,
    };
  };
}

const percent = (value: number | null) => (value === null ? 'n/a' : `${Math.round(value)} %`);

/** One line for the terminal, with each party under the name it has in this benchmark. */
export function describeParties(
  cpu: PartiesCpu,
  names: { service?: string; generator?: string } = {},
): string {
  const { usage, helpers } = cpu;
  return [
    ...(usage.servicePercent === null && !names.service
      ? []
      : [`${names.service ?? 'service'} ${percent(usage.servicePercent)}`]),
    ...Object.entries(helpers).map(([name, value]) => `${name} ${percent(value)}`),
    `postgres ${percent(usage.postgresPercent)}`,
    `redis ${percent(usage.redisPercent)}`,
    `${names.generator ?? 'bench process'} ${percent(usage.generatorPercent)}`,
    `interrupts ${percent(usage.irqPercent)}`,
    `other ${percent(usage.otherPercent)}`,
    `(of one core; machine ${percent(usage.machinePercent)} of ${usage.cores ?? '?'} cores)`,
  ].join(', ');
}

/**
 * CPU time per unit of work (a message, an event) in ms, summed over the parties whose
 * percents of one core are given; null when one of them could not be measured.
 */
export function cpuMsPerUnit(
  cpu: PartiesCpu,
  units: number,
  percents: (number | null)[],
): number | null {
  if (units === 0 || percents.some((p) => p === null)) return null;
  const percent = percents.reduce<number>((sum, p) => sum + p!, 0);
  return ((percent / 100) * cpu.usage.seconds * 1000) / units;
}

/**
 * The rate this machine allows at that CPU per unit, every core busy with nothing else: a
 * ceiling that no overlap or reordering of the same work can pass, only doing less of it.
 */
export function machineBoundPerSec(cpu: PartiesCpu, msPerUnit: number | null): number | null {
  if (msPerUnit === null || msPerUnit <= 0 || !cpu.usage.cores) return null;
  return (cpu.usage.cores * 1000) / msPerUnit;
}
