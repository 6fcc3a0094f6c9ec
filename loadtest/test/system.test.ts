import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { goFlags, parseK6Version } from '../src/k6/install.js';
import { goMemoryEnv } from '../src/k6/run.js';
import { serverEnv } from '../src/run.js';
import { startRedis } from '../src/system/redis.js';
import { CpuSampler, cpuUse, parseMachineStat, parseProcStat, parseSchedstat, readProcStat, readRunQueueWaitNs } from '../src/system/cpu.js';

describe('cpu', () => {
  it('reads utime+stime and cutime+cstime even when the command name has spaces and parentheses', () => {
    const line = '4242 (k6 (worker) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 350 150 20 10 20 0 12 0 1000 0 0';
    expect(parseProcStat(line)).toEqual({ ticks: 500, childTicks: 30 });
  });

  it('reads this very process', () => {
    expect(readProcStat('self')?.ticks).toBeGreaterThanOrEqual(0);
    expect(readProcStat(2 ** 30)).toBeUndefined();
  });

  it('turns ticks over wall time into cores and a share of the machine', () => {
    expect(cpuUse(3_000, 60_000, 100, 2, 15e9)).toEqual({ cpuSeconds: 30, wallSeconds: 60, cores: 0.5, share: 0.25, runQueueWait: 0.25 });
    expect(cpuUse(0, 0, 100, 2).cores).toBe(0);
  });
});

describe('CpuSampler', () => {
  it('sums the increases between readings, so a thread that ended or an unreaped process does not erase the run', () => {
    const readings = [
      { ticks: 10, waitNs: 1_000 },
      { ticks: 30, waitNs: 5_000 },
      { ticks: 25, waitNs: 2_000 }, // a thread ended (its wait went with it), or the process is a zombie
      { ticks: 40, waitNs: 4_000 },
    ];
    let i = 0;
    const sampler = new CpuSampler(() => readings[i], 60_000);
    for (i = 1; i < readings.length; i++) sampler.sample();
    sampler.stop();
    expect(sampler.ticks).toBe(20 + 15);
    expect(sampler.runQueueWaitNs).toBe(4_000 + 2_000);
  });

  it('reads nothing once stopped', () => {
    let ticks = 0;
    const sampler = new CpuSampler(() => ({ ticks: (ticks += 5), waitNs: 0 }), 60_000);
    sampler.stop();
    sampler.sample();
    expect(sampler.ticks).toBe(5);
  });
});

describe('scheduler figures', () => {
  it('reads run and run-queue wait nanoseconds from schedstat', () => {
    expect(parseSchedstat('123456789 98765 42\n')).toEqual({ runNs: 123456789, waitNs: 98765 });
    expect(readRunQueueWaitNs(process.pid)).toBeGreaterThanOrEqual(0);
  });

  it('counts the machine busy as everything but idle and iowait', () => {
    expect(parseMachineStat('cpu  100 5 50 1000 20 3 2 10 0 0\ncpu0 1 2 3')).toEqual({ busy: 170, total: 1190 });
  });
});

describe('k6 install', () => {
  it('reads the version k6 prints', () => {
    expect(parseK6Version('k6 v1.8.1 (go1.26.8, linux/amd64)\n')).toBe('v1.8.1');
    expect(parseK6Version('bash: k6: not found')).toBeUndefined();
  });

  it('adds -mod=mod to GOFLAGS, keeping the others', () => {
    expect(goFlags('-buildvcs=false')).toBe('-buildvcs=false -mod=mod');
    expect(goFlags('-mod=vendor -trimpath')).toBe('-trimpath -mod=mod');
    expect(goFlags(undefined)).toBe('-mod=mod');
  });
});

describe('k6 memory settings', () => {
  it('collects half as often with a soft heap cap at half the memory limit, unless the caller chose', () => {
    expect(goMemoryEnv({}, 8 * 2 ** 30)).toEqual({ GOGC: '200', GOMEMLIMIT: '4096MiB' });
    expect(goMemoryEnv({ GOGC: '100', GOMEMLIMIT: '1GiB' }, 8 * 2 ** 30)).toEqual({ GOGC: '100', GOMEMLIMIT: '1GiB' });
  });
});

describe('redis engine plumbing', () => {
  it('hands the server REDIS_URL only for the Redis engine, and DATABASE_URL only with Postgres', () => {
    expect(serverEnv('redis', 'redis://127.0.0.1:7000', undefined)).toEqual({ REDIS_URL: 'redis://127.0.0.1:7000', DATABASE_URL: '' });
    expect(serverEnv('memory', 'redis://127.0.0.1:7000', 'postgres://x/db')).toEqual({ REDIS_URL: '', DATABASE_URL: 'postgres://x/db' });
    expect(() => serverEnv('redis', undefined, undefined)).toThrow('needs a REDIS_URL');
  });

  it('starts a throwaway redis-server that answers, and stops it', async () => {
    const redis = await startRedis();
    try {
      expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(spawnSync('redis-cli', ['-u', redis.url, 'ping'], { encoding: 'utf8' }).stdout.trim()).toBe('PONG');
    } finally {
      await redis.stop();
    }
    expect(spawnSync('redis-cli', ['-u', redis.url, 'ping'], { encoding: 'utf8' }).stdout.trim()).not.toBe('PONG');
  });
});
