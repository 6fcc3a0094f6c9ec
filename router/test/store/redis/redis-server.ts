// A throwaway redis-server for tests (REDIS_URL, when given, is used instead): a free port, no
// persistence, killed when the test file is done.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

export interface TestRedis {
  url: string;
  port: number;
  connect(): Redis;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server with extra config arguments and waits until it answers PING. */
export async function spawnRedis(args: string[] = [], cwd?: string): Promise<{ port: number; process: ChildProcess; stop: () => Promise<void> }> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
    let output = '';
    let missing = false;
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.once('error', (err) => {
        missing = true;
        output += `\n${err.message} (install it with apt-get install redis-server, or set REDIS_URL)`;
        resolve(null);
      });
    });
    const ready = await waitForPing(port, exited);
    if (ready) {
      const stop = async (): Promise<void> => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        await exited;
      };
      return { port, process: child, stop };
    }
    child.kill('SIGKILL');
    // Another process may have taken the port in between: try a new one a few times.
    if (attempt >= 3 || missing) throw new Error(`redis-server did not start: ${output.slice(-2000)}`);
  }
}

async function waitForPing(port: number, exited: Promise<number | null>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 100 && !gone; i++) {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return true;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function startRedis(): Promise<TestRedis> {
  const given = process.env.REDIS_URL;
  if (given) {
    return { url: given, port: Number(new URL(given).port || 6379), connect: () => new Redis(given), stop: async () => undefined };
  }
  const server = await spawnRedis();
  const url = `redis://127.0.0.1:${server.port}`;
  return { url, port: server.port, connect: () => new Redis(url), stop: server.stop };
}

let tenants = 0;
/** A tenant id no other test (or earlier run against a shared REDIS_URL) uses. */
export function freshTenant(name: string): string {
  return `${name}-${process.pid}-${Date.now().toString(36)}-${tenants++}`;
}

/**
 * A throwaway redis-server and one client for the calling test file: started before its tests,
 * stopped after them. Read `client` inside tests (it exists once the file's tests begin).
 */
export function useRedis(): { readonly client: Redis } {
  let redis: TestRedis | undefined;
  let client: Redis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    client = redis.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  return {
    get client(): Redis {
      if (!client) throw new Error('the test redis-server is not started yet (read client inside a test)');
      return client;
    },
  };
}
