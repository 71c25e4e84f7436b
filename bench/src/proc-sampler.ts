import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcSample {
  /** ms since the epoch. */
  readonly at: number;
  /** utime + stime, in seconds. */
  readonly cpuSeconds: number;
  readonly rssMb: number;
}

let clockTicks: number | undefined;

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on nearly every Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time and resident memory of a process, from /proc (Linux only). */
export function readProcSample(pid: number, at: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return { at, cpuSeconds: ticks / ticksPerSecond(), rssMb: rssKb / 1024 };
}

/** Per-interval CPU use in percent of one core. */
export function cpuPercentPerInterval(samples: readonly ProcSample[]): number[] {
  const percents: number[] = [];
  for (let index = 1; index < samples.length; index++) {
    const previous = samples[index - 1]!;
    const current = samples[index]!;
    const wallSeconds = (current.at - previous.at) / 1000;
    if (wallSeconds > 0) percents.push(((current.cpuSeconds - previous.cpuSeconds) / wallSeconds) * 100);
  }
  return percents;
}
