// One k6 run of the agency scenarios: the profile and the system's address in the environment,
// the summary exported as JSON, the web dashboard's HTML report exported (it works offline: its
// assets are built into the binary), and the CPU k6 used over the run.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { Profile } from '../profiles.js';
import { clockTicksPerSecond, CpuSampler, readMachineStat, readProcStat, readRssBytes, type CpuReader } from '../system/cpu.js';
import type { K6SummaryExport } from '../summary/k6-export.js';

export interface K6RunOptions {
  k6Path: string;
  script: string;
  profile: Profile;
  baseUrl: string;
  adminToken: string;
  /** More environment for the scenarios (the WhatsApp app secret, the Graph sink's control URL). */
  env?: Record<string, string>;
  summaryFile: string;
  htmlReportFile: string;
  /** Sampled over exactly the k6 run (the server, the database), to compare. */
  alsoSample?: (number | CpuReader)[];
  /** k6's stdout and stderr lines. */
  onOutput?: (chunk: Buffer) => void;
  /**
   * Past this resident size k6 is interrupted (SIGINT: it stops the scenarios, still runs the
   * teardown and writes its summary), and killed past 1.5× — the machine is shared. Default: a
   * third of the machine's memory.
   */
  memoryLimitBytes?: number;
  onMemoryLimit?: (rssBytes: number) => void;
}

export interface K6RunResult {
  exitCode: number;
  summary: K6SummaryExport | undefined;
  htmlReport: string | undefined;
  wallMs: number;
  k6Ticks: number;
  k6RunQueueWaitNs: number;
  k6PeakRssBytes: number;
  /** Set when k6 was interrupted for passing the memory limit. */
  k6MemoryLimitHit: boolean;
  /** Ticks and run-queue wait of each `alsoSample` pid over the same window. */
  others: { ticks: number; runQueueWaitNs: number }[];
  /** Busy ticks of the whole machine (every process, every CPU) over the run. */
  machineBusyTicks: number;
  /** Load average (1 min) when k6 started and when it ended. */
  loadAverage: [number, number];
  ticksPerSecond: number;
}

export async function runK6(options: K6RunOptions): Promise<K6RunResult> {
  const ticksPerSecond = clockTicksPerSecond();
  const childrenBefore = readProcStat('self')?.childTicks ?? 0;
  const others = (options.alsoSample ?? []).map((target) => new CpuSampler(target));
  const machineBefore = readMachineStat();
  const loadBefore = os.loadavg()[0]!;
  const started = Date.now();
  const limit = options.memoryLimitBytes ?? os.totalmem() / 3;
  const k6 = spawn(
    options.k6Path,
    ['run', '--quiet', '--address', '', '--summary-export', options.summaryFile, options.script],
    {
      env: {
        ...process.env,
        LOADTEST_PROFILE: JSON.stringify(options.profile),
        BASE_URL: options.baseUrl,
        ADMIN_TOKEN: options.adminToken,
        ...options.env,
        K6_WEB_DASHBOARD: 'true',
        K6_WEB_DASHBOARD_PORT: '-1',
        K6_WEB_DASHBOARD_EXPORT: options.htmlReportFile,
        K6_NO_USAGE_REPORT: 'true',
        ...goMemoryEnv(process.env, limit),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const sampler = new CpuSampler(k6.pid!);
  let peakRss = 0;
  let memoryLimitHit = false;
  const memoryWatch = setInterval(() => {
    const rss = readRssBytes(k6.pid!) ?? 0;
    peakRss = Math.max(peakRss, rss);
    if (rss > limit * 1.5) k6.kill('SIGKILL');
    else if (rss > limit && !memoryLimitHit) {
      memoryLimitHit = true;
      options.onMemoryLimit?.(rss);
      k6.kill('SIGINT');
    }
  }, 500);
  for (const stream of [k6.stdout!, k6.stderr!]) stream.on('data', (chunk: Buffer) => options.onOutput?.(chunk));
  const exitCode = await new Promise<number>((resolve, reject) => {
    k6.on('error', reject);
    k6.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  clearInterval(memoryWatch);
  const wallMs = Date.now() - started;
  const machineAfter = readMachineStat();
  sampler.stop();
  for (const s of others) s.stop();
  // Once reaped, k6's whole CPU time is in this process's cutime + cstime: exact, unlike the last sample.
  const reaped = (readProcStat('self')?.childTicks ?? 0) - childrenBefore;
  return {
    exitCode,
    summary: existsSync(options.summaryFile) ? (JSON.parse(readFileSync(options.summaryFile, 'utf8')) as K6SummaryExport) : undefined,
    htmlReport: existsSync(options.htmlReportFile) ? options.htmlReportFile : undefined,
    wallMs,
    k6Ticks: Math.max(reaped, sampler.ticks),
    k6RunQueueWaitNs: sampler.runQueueWaitNs,
    k6PeakRssBytes: peakRss,
    k6MemoryLimitHit: memoryLimitHit,
    others: others.map((s) => ({ ticks: s.ticks, runQueueWaitNs: s.runQueueWaitNs })),
    machineBusyTicks: machineBefore && machineAfter ? machineAfter.busy - machineBefore.busy : 0,
    loadAverage: [round2(loadBefore), round2(os.loadavg()[0]!)],
    ticksPerSecond,
  };
}

/**
 * Go's collector settings for k6, unless the caller set them: most of k6's CPU under the boards
 * (each `agents` update is the whole agent list, ~0.4 MB at 2,000 agents, read by 100 boards
 * 4 times a second) goes to collecting those buffers, so k6 collects half as often (GOGC=200),
 * with a soft heap cap at half the runner's memory limit so the trade stays bounded.
 */
export function goMemoryEnv(env: NodeJS.ProcessEnv, memoryLimitBytes: number): { GOGC: string; GOMEMLIMIT: string } {
  return {
    GOGC: env.GOGC ?? '200',
    GOMEMLIMIT: env.GOMEMLIMIT ?? `${Math.floor(memoryLimitBytes / 2 / 2 ** 20)}MiB`,
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
