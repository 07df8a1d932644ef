import { readFileSync } from 'node:fs';

/**
 * Resident memory of a process from /proc: `VmRSS` now and `VmHWM`, the kernel's own peak
 * ("high water mark") since the process started, which no sampling can miss. Null when
 * /proc cannot tell (another OS, the process gone).
 */
export function residentMemory(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const rss = kb('VmRSS');
    const peak = kb('VmHWM');
    if (!Number.isFinite(rss) || !Number.isFinite(peak)) return null;
    return { rssMb: rss / 1024, peakMb: peak / 1024 };
  } catch {
    return null;
  }
}
