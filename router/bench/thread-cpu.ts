// CPU time of threads and processes from /proc (Linux): what the bench's figures cost the machine,
// split by who spent it. Elsewhere every reading is undefined and the bench reports none.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** user + system CPU of one /proc/<…>/stat, ms (clock ticks of 10 ms). */
function statCpuMs(path: string): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** This thread's id (from /proc/thread-self), or undefined off Linux. */
export function currentThreadId(): string | undefined {
  try {
    return readlinkSync('/proc/thread-self').split('/').at(-1);
  } catch {
    return undefined;
  }
}

/** CPU ms of every thread of this process, by thread id. */
export function processThreadsCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    const ms = statCpuMs(`/proc/self/task/${tid}/stat`);
    if (ms !== undefined) out.set(tid, ms);
  }
  return out;
}

/** CPU ms of the calling thread. */
export function threadCpuMs(): number | undefined {
  return statCpuMs('/proc/thread-self/stat');
}

/** CPU ms summed over processes (e.g. a database server's backends); undefined if none is readable. */
export function processesCpuMs(pids: readonly number[]): number | undefined {
  let total: number | undefined;
  for (const pid of pids) {
    const ms = statCpuMs(`/proc/${pid}/stat`);
    if (ms !== undefined) total = (total ?? 0) + ms;
  }
  return total;
}
