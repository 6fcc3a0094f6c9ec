// Three router processes on one Redis and one real Postgres run the agency scenario together:
// agents spread over the nodes, sessions created through any node; one node is killed with -9
// mid-run and never comes back. Every session still ends, none is assigned twice, the dead node's
// agents reconnect to the others and go on, and Postgres ends up with every decision once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLog, openDatabase } from '@atende/db';
import { startPostgres, type TestPostgres } from '@atende/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../../src/core/index.js';
import { readLogEntry } from '../../src/server/durability/journal.js';
import { compareEntryIds } from '../../src/store/redis/index.js';
import { spawnRedis } from '../store/redis/redis-server.js';
import { AGENTS, SESSION_COUNT } from './agency.js';
import { ApiClient } from './http.js';
import { ADMIN_TOKEN, expectLog, expectServerViews, runScenario, scenarioEnv } from './run.js';
import { ensureBuilt, freePort, ServerProcess } from './server-process.js';

const TENANT = 'scenario';
const STREAM = `{atende:${TENANT}}:events`;

beforeAll(() => ensureBuilt());

describe('three router nodes on Redis', () => {
  let redis: Awaited<ReturnType<typeof spawnRedis>>;
  let pg: TestPostgres;
  let redisDir: string | undefined;
  const nodes: { server: ServerProcess; base: string; alive: boolean }[] = [];

  beforeAll(async () => {
    redisDir = mkdtempSync(join(tmpdir(), 'atende-nodes-redis-'));
    redis = await spawnRedis(['--appendonly', 'yes', '--appendfsync', 'everysec'], redisDir);
    pg = await startPostgres();
  }, 120_000);

  afterAll(async () => {
    for (const n of nodes) await n.server.stop();
    await redis?.stop();
    if (redisDir) rmSync(redisDir, { recursive: true, force: true });
    await pg?.stop();
  });

  it('completes the scenario with one node killed -9 mid-run: all end, none lost or assigned twice, its agents move', async () => {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const env = scenarioEnv(port, { DATABASE_URL: pg.url, REDIS_URL: `redis://127.0.0.1:${redis.port}`, ATENDE_TENANT: TENANT });
      delete env.REDIS_CLUSTER_NODES;
      nodes.push({ server: new ServerProcess(env), base: `http://127.0.0.1:${port}`, alive: true });
    }
    const alive = () => nodes.filter((n) => n.alive);
    let calls = 0;
    const victim = nodes[1]!;
    const homeOf = new Map<number, string>();
    let killed: Promise<void> | undefined;

    try {
      for (const n of nodes) {
        n.server.start();
        await new ApiClient(n.base, ADMIN_TOKEN).waitHealthy();
      }
      const run = await runScenario(nodes[0]!.base, {
        seed: 20261125,
        settleTimeoutMs: 90_000,
        nodes: {
          agentBase(index) {
            const preferred = nodes[index % nodes.length]!;
            const base = preferred.alive ? preferred.base : alive()[index % alive().length]!.base;
            homeOf.set(index, base);
            return base;
          },
          apiBase() {
            const live = alive();
            return live[calls++ % live.length]!.base;
          },
        },
        onAcknowledged: (count, { seen }) => {
          if (killed || count < SESSION_COUNT / 2 || seen.activeHolder.size === 0) return;
          victim.alive = false;
          killed = victim.server.kill();
        },
      });
      await killed;
      expect(victim.alive).toBe(false);
      // Agents homed on the dead node (index ≡ 1 mod 3) reconnected to a live one.
      const moved = AGENTS.map((_, i) => i).filter((i) => i % 3 === 1);
      expect(run.seen.reconnections).toBeGreaterThanOrEqual(moved.length);
      for (const i of moved) expect(homeOf.get(i)).not.toBe(victim.base);

      await expectServerViews(run);
      // Every node that is alive tells the same story (each holds a replica of the one state).
      const views = await Promise.all(alive().map((n) => new ApiClient(n.base, ADMIN_TOKEN).expect('GET', '/api/agents', 200)));
      for (const v of views) expect(v.map((a: any) => [a.id, a.sessionsToday])).toEqual(views[0].map((a: any) => [a.id, a.sessionsToday]));

      const events = await persistedLog(pg.url, redis.port);
      const audit = expectLog(run, events);
      console.log(JSON.stringify({ scenario: 'redis-nodes', nodes: 3, killed: 1, durationMs: run.durationMs, reconnections: run.seen.reconnections, offers: audit.offers, misses: audit.misses }));
    } catch (err) {
      for (const [i, n] of nodes.entries()) console.error(`node ${i} output:\n${n.server.output}`);
      throw err;
    }
  }, 300_000);
});

/**
 * The Postgres log once the consumer group has copied every stream entry (the dead node's pending
 * ones are claimed by the others after their idle time), in stream order.
 */
async function persistedLog(url: string, redisPort: number): Promise<RoutingEvent[]> {
  const client = new Redis(redisPort, '127.0.0.1');
  const opened = await openDatabase({ url });
  try {
    const entries = (await client.xrange(STREAM, '-', '+')) as [string, string[]][];
    const expected = new Set(
      entries.flatMap(([id, f]) => f.flatMap((name, i) => (i % 2 === 0 && name === 'events' ? (JSON.parse(f[i + 1]!) as unknown[]) : [])).map((_, i) => `${id}/${i}`)),
    );
    const deadline = Date.now() + 90_000;
    for (;;) {
      const rows: { id: string; index: number; event: RoutingEvent }[] = [];
      const seen = new Set<string>();
      for await (const row of new EventLog(opened.db, { tenant: TENANT }).read()) {
        const entry = readLogEntry(row);
        if (entry.kind !== 'event') continue;
        expect(seen.has(row.eventId), `${row.eventId} stored twice`).toBe(false);
        seen.add(row.eventId);
        const [id, index] = row.eventId.split('/');
        rows.push({ id: id!, index: Number(index), event: entry.event });
      }
      if ([...expected].every((id) => seen.has(id))) {
        rows.sort((a, b) => compareEntryIds(a.id, b.id) || a.index - b.index);
        return rows.map((r) => r.event);
      }
      if (Date.now() > deadline) throw new Error(`Postgres holds ${seen.size} of ${expected.size} streamed events`);
      await sleep(500);
    }
  } finally {
    client.disconnect();
    await opened.close();
  }
}
