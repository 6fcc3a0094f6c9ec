// The server on the Redis engine (REDIS_URL): two nodes on one Redis and one real Postgres share
// one routing state — configuration, offers to an agent connected to the other node, agent
// messages across nodes; a node restarted rebuilds the same views from Postgres and the stream;
// a Redis outage answers 503 with nothing applied, and the nodes go on once Redis is back.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLog, openDatabase } from '@atende/db';
import { startPostgres, type TestPostgres } from '@atende/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelModule, ChannelServices } from '../../src/server/index.js';
import { freePort } from '../store/redis/redis-server.js';
import { configureBasics, setAvailable, startTestServer, type TestServer } from './helpers.js';
import { TestSocket } from '../../src/testing/socket-client.js';

/** redis-server with AOF fsync on every write, on a fixed port and directory so it can come back. */
class DurableRedis {
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> = Promise.resolve();
  readonly dir = mkdtempSync(join(tmpdir(), 'atende-redis-'));
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], {
      stdio: 'ignore',
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    const probe = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        probe.disconnect();
        await sleep(100);
      }
    }
    probe.disconnect();
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(value).slice(0, 1000)}`);
    await sleep(50);
  }
}

/** A channel module that only keeps the services it is given, to push agent messages from a node. */
function probeChannel(): ChannelModule & { services?: ChannelServices } {
  const module: ChannelModule & { services?: ChannelServices } = {
    name: 'probe',
    mount(_routes, services) {
      module.services = services;
    },
  };
  return module;
}

describe('the server on the Redis engine', () => {
  let redis: DurableRedis;
  let pg: TestPostgres;
  const servers: TestServer[] = [];
  const probes = new Map<TestServer, ReturnType<typeof probeChannel>>();

  const node = async (): Promise<TestServer> => {
    const probe = probeChannel();
    const t = await startTestServer({ redisUrl: redis.url, databaseUrl: pg.url, tenant: 'sefaz' }, { channels: [probe] });
    servers.push(t);
    probes.set(t, probe);
    return t;
  };

  beforeAll(async () => {
    redis = new DurableRedis(await freePort());
    await redis.start();
    pg = await startPostgres();
  }, 120_000);

  afterAll(async () => {
    for (const t of servers) await t.close().catch(() => undefined);
    await redis?.stop();
    await pg?.stop();
  });

  let a: TestServer;
  let b: TestServer;

  it('shares configuration and routing between nodes: an agent on node B gets the offer of a session created on node A', async () => {
    a = await node();
    b = await node();
    await configureBasics(a);
    const groups = await eventually(
      () => b.api('GET', '/api/groups'),
      (r) => r.status === 200 && r.body.length === 3,
    );
    expect(groups.body.map((g: any) => g.id).sort()).toEqual(['ipva-n1', 'ipva-n2', 'itcd-n1']);

    const socket = await TestSocket.open(`${b.ws}/ws/agent?agentId=ana`, { authorization: `Bearer ${'test-admin-token-0123456789abcdef'}` });
    await socket.nextOfType('snapshot');
    await setAvailable(a, 'ana');
    const created = await a.api('POST', '/api/interactions', { body: { id: 'r-1', channel: 'chat', groupId: 'itcd-n1', contact: { name: 'Maria' } } });
    expect(created.status).toBe(201);
    // Read-your-writes on the node that decided: the offer is in its answer already.
    expect(created.body).toMatchObject({ id: 'r-1', state: 'offered', agentId: 'ana' });
    const offer = await socket.nextOfType('offer');
    expect(offer).toMatchObject({ interaction: { id: 'r-1', agentId: 'ana' } });
    const accepted = await socket.request({ type: 'accept', interactionId: 'r-1' });
    expect(accepted).toMatchObject({ type: 'ack', interaction: { id: 'r-1', state: 'active' } });
    const onA = await eventually(
      () => a.api('GET', '/api/interactions/r-1'),
      (r) => r.body?.state === 'active',
    );
    expect(onA.body.agentId).toBe('ana');

    // A conversation message pushed by a channel on node A reaches the agent's socket on node B.
    probes.get(a)!.services!.notifyAgent('ana', { type: 'conversation', interactionId: 'r-1', text: 'olá' });
    expect(await socket.nextOfType('conversation')).toMatchObject({ interactionId: 'r-1', text: 'olá' });
    await socket.close();
  }, 60_000);

  it('persists every decision to Postgres once, through the consumer group, in stream order', async () => {
    const key = '{atende:sefaz}:events';
    const client = new Redis(redis.url);
    try {
      const streamed = (await client.xrange(key, '-', '+')) as [string, string[]][];
      // One entry per script call: an `events` field per command that had events, numbered across the entry.
      const expected = streamed.flatMap(([id, fields]) =>
        fields.flatMap((f, i) => (i % 2 === 0 && f === 'events' ? (JSON.parse(fields[i + 1]!) as unknown[]) : [])).map((_, i) => `${id}/${i}`),
      );
      expect(expected.length).toBeGreaterThanOrEqual(8);
      const opened = await openDatabase({ url: pg.url });
      try {
        const stored = await eventually(
          async () => {
            const ids: string[] = [];
            for await (const row of new EventLog(opened.db, { tenant: 'sefaz' }).read()) if (!row.eventId.includes('/a')) ids.push(row.eventId);
            return ids;
          },
          (ids) => expected.every((id) => ids.includes(id)),
        );
        expect(new Set(stored).size).toBe(stored.length);
      } finally {
        await opened.close();
      }
    } finally {
      client.disconnect();
    }
  }, 30_000);

  it('rebuilds the same views on a node that restarts, from Postgres and the stream', async () => {
    await b.close();
    servers.splice(servers.indexOf(b), 1);
    // Decisions while B is down.
    await setAvailable(a, 'bruno');
    expect((await a.api('POST', '/api/interactions', { body: { id: 'r-2', channel: 'chat', groupId: 'ipva-n1' } })).status).toBe(201);
    expect((await a.api('POST', '/api/interactions/r-1/end', { body: {} })).status).toBe(200);
    const b2 = await node();
    for (const path of ['/api/agents', '/api/queues', '/api/interactions/r-1', '/api/interactions/r-2', '/api/fairness']) {
      const [fromA, fromB] = await Promise.all([a.api('GET', path), b2.api('GET', path)]);
      expect(fromB.status, path).toBe(200);
      expect(withoutClockFields(fromB.body), path).toEqual(withoutClockFields(fromA.body));
    }
    b = b2;
  }, 60_000);

  it('answers 503 while Redis is down, applies nothing, and goes on when Redis is back', async () => {
    await redis.kill();
    const refused = await a.api('POST', '/api/interactions', { body: { id: 'r-outage', channel: 'chat', groupId: 'ipva-n1' } });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    const health = await eventually(
      () => a.api('GET', '/health'),
      (r) => r.status === 503,
    );
    expect(health.body.status).toBe('unavailable');
    // Nothing crashed: the process still answers reads from its replica.
    expect((await a.api('GET', '/api/interactions/r-2')).status).toBe(200);

    await redis.start();
    await eventually(
      () => a.api('GET', '/health'),
      (r) => r.status === 200,
      20_000,
    );
    expect((await b.api('GET', '/api/interactions/r-outage')).status).toBe(404);
    const again = await eventually(
      () => b.api('POST', '/api/interactions', { body: { id: 'r-3', channel: 'chat', groupId: 'ipva-n1' } }),
      (r) => r.status === 201,
      20_000,
    );
    expect(again.body.id).toBe('r-3');
    await eventually(
      () => a.api('GET', '/api/interactions/r-3'),
      (r) => r.status === 200,
    );
  }, 90_000);
});

/** Views computed at read time (waiting seconds, SLA shares) differ by the reading instant only. */
function withoutClockFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClockFields);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (/wait|Seconds|age|now|elapsed/i.test(k) && typeof v === 'number') continue;
      out[k] = withoutClockFields(v);
    }
    return out;
  }
  return value;
}
