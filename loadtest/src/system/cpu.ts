// CPU time of a process from /proc/<pid>/stat (utime + stime), and its share of the wall time,
// so a report can say whether the load generator or the server ran out of CPU.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * utime + stime (and cutime + cstime: CPU of children already waited for) in clock ticks, from a
 * /proc/<pid>/stat line. The command name may hold spaces and parentheses, so fields count from
 * the last ")".
 */
export function parseProcStat(line: string): { ticks: number; childTicks: number } {
  const rest = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17.
  const field = (n: number) => Number(rest[n - 3]);
  const ticks = field(14) + field(15);
  const childTicks = field(16) + field(17);
  if (!Number.isFinite(ticks) || !Number.isFinite(childTicks)) throw new Error(`unreadable stat line: ${line.slice(0, 120)}`);
  return { ticks, childTicks };
}

export function readProcStat(pid: number | 'self'): { ticks: number; childTicks: number } | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

let clockTicks: number | undefined;
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface CpuUse {
  cpuSeconds: number;
  wallSeconds: number;
  /** CPU seconds per wall second: 1 = one core busy the whole time. */
  cores: number;
  /** Of the whole machine: cores / number of CPUs. */
  share: number;
  /**
   * Seconds its threads were runnable but waiting for a CPU, per wall second (0 = never held
   * back; 0.5 = half a thread's worth of time spent waiting while other work held the CPUs).
   */
  runQueueWait: number;
}

export function cpuUse(ticks: number, wallMs: number, ticksPerSecond: number, cpus = os.availableParallelism(), runQueueWaitNs = 0): CpuUse {
  const cpuSeconds = ticks / ticksPerSecond;
  const wallSeconds = wallMs / 1000;
  const perWall = (seconds: number) => (wallSeconds > 0 ? seconds / wallSeconds : 0);
  const cores = perWall(cpuSeconds);
  return {
    cpuSeconds: round(cpuSeconds, 2),
    wallSeconds: round(wallSeconds, 1),
    cores: round(cores, 3),
    share: round(cores / cpus, 3),
    runQueueWait: round(perWall(runQueueWaitNs / 1e9), 3),
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** CPU ticks and run-queue wait (ns) of something measured: one process, or a process tree. */
export type CpuReader = () => { ticks: number; waitNs: number } | undefined;

export function processReader(pid: number): CpuReader {
  return () => {
    const stat = readProcStat(pid);
    return stat && { ticks: stat.ticks, waitNs: readRunQueueWaitNs(pid) ?? 0 };
  };
}

/**
 * A server and its direct children (Postgres: the postmaster and its backends). Children that
 * ended are in the root's cutime + cstime once reaped; live ones are read one by one.
 */
export function processTreeReader(rootPid: number): CpuReader {
  return () => {
    const root = readProcStat(rootPid);
    if (!root) return undefined;
    let ticks = root.ticks + root.childTicks;
    let waitNs = readRunQueueWaitNs(rootPid) ?? 0;
    let children: string[] = [];
    try {
      children = readFileSync(`/proc/${rootPid}/task/${rootPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      // no children file (kernel without CONFIG_PROC_CHILDREN): the root alone
    }
    for (const child of children) {
      const stat = readProcStat(Number(child));
      if (!stat) continue;
      ticks += stat.ticks;
      waitNs += readRunQueueWaitNs(Number(child)) ?? 0;
    }
    return { ticks, waitNs };
  };
}

/** Samples a live process (or tree) so its CPU is known even after it exits (its last sample stands). */
export class CpuSampler {
  private last: { ticks: number; waitNs: number } | undefined;
  /**
   * Sums of the increases between samples. A reading that goes down is not counted against the
   * total: a thread that ended takes its schedstat with it, and a process that exited but was not
   * yet reaped (a zombie) reads as almost nothing — the difference of the first and last readings
   * would lose everything in between.
   */
  private used = { ticks: 0, waitNs: 0 };
  private timer: NodeJS.Timeout | undefined;
  readonly startedAt = Date.now();
  private stoppedAt: number | undefined;
  private readonly read: CpuReader;

  constructor(target: number | CpuReader, intervalMs = 500) {
    this.read = typeof target === 'number' ? processReader(target) : target;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    if (this.stoppedAt !== undefined) return;
    const now = this.read();
    if (!now) return;
    if (this.last) {
      this.used.ticks += Math.max(0, now.ticks - this.last.ticks);
      this.used.waitNs += Math.max(0, now.waitNs - this.last.waitNs);
    }
    this.last = now;
  }

  /** Stops sampling (after one last sample, if the process still lives). */
  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stoppedAt ??= Date.now();
  }

  /** Ticks used since the first sample (0 when none). */
  get ticks(): number {
    return this.used.ticks;
  }

  /** Nanoseconds its threads were runnable but waiting for a CPU (the machine was busy with others). */
  get runQueueWaitNs(): number {
    return this.used.waitNs;
  }

  get wallMs(): number {
    return (this.stoppedAt ?? Date.now()) - this.startedAt;
  }
}

/** Nanoseconds on a CPU and waiting for one (run queue) from a /proc/<pid>/task/<tid>/schedstat line. */
export function parseSchedstat(text: string): { runNs: number; waitNs: number } {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(run) || !Number.isFinite(wait)) throw new Error(`unreadable schedstat: ${text.slice(0, 80)}`);
  return { runNs: run!, waitNs: wait! };
}

/** Summed over the process's threads (Go and libuv use several): time waiting for a CPU while runnable. */
export function readRunQueueWaitNs(pid: number): number | undefined {
  try {
    let wait = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        wait += parseSchedstat(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).waitNs;
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return wait;
  } catch {
    return undefined;
  }
}

/** Busy and total ticks of the whole machine from the first line of /proc/stat. */
export function parseMachineStat(text: string): { busy: number; total: number } {
  const cpu = text.split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  // idle (4th) and iowait (5th) are the time no task ran.
  return { busy: total - cpu[3]! - cpu[4]!, total };
}

export function readMachineStat(): { busy: number; total: number } | undefined {
  try {
    return parseMachineStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in bytes (/proc/<pid>/statm, second field × page size). */
export function readRssBytes(pid: number, pageSize = 4096): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageSize;
  } catch {
    return undefined;
  }
}
