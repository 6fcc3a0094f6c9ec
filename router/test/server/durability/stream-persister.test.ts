// The consumer group that copies the Redis event stream to Postgres: entries a dead consumer read
// but never acknowledged are claimed and written; redelivered entries are written once; the stream
// is trimmed only below what is acknowledged; and a node's history = Postgres below the stream's
// first entry + the stream from there.
import { EventLog, openDatabase, type Database } from '@atende/db';
import { startPostgres, type TestPostgres } from '@atende/db/testing';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../../../src/core/index.js';
import { PERSIST_GROUP, StreamPersister, entryRows, recoverFromStream } from '../../../src/server/durability/stream.js';
import { decodeEntry, entryEvents, streamKey } from '../../../src/store/redis/index.js';
import { freshTenant, startRedis, type TestRedis } from '../../store/redis/redis-server.js';

const log = pino({ level: process.env.TEST_LOG ?? 'silent' });

function abandoned(id: string, at: number): RoutingEvent {
  return { type: 'interaction.abandoned', interactionId: id, at } as unknown as RoutingEvent;
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the stream persister (consumer group → Postgres)', () => {
  let redis: TestRedis;
  let pg: TestPostgres;
  let client: Redis;
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    redis = await startRedis();
    pg = await startPostgres();
    client = redis.connect();
    const opened = await openDatabase({ url: pg.url });
    db = opened.db;
    close = opened.close;
  }, 120_000);

  afterAll(async () => {
    client?.disconnect();
    await close?.();
    await pg?.stop();
    await redis?.stop();
  });

  const storedIds = async (tenant: string): Promise<string[]> => {
    const ids: string[] = [];
    for await (const row of new EventLog(db, { tenant }).read()) ids.push(row.eventId);
    return ids;
  };

  it('claims what a dead consumer left pending, writes redelivered entries once, and trims only acknowledged ones', async () => {
    const tenant = freshTenant('persist');
    const key = `{atende:${tenant}}`;
    const stream = streamKey(key);
    await client.xgroup('CREATE', stream, PERSIST_GROUP, '0', 'MKSTREAM');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push(
        (await client.xadd(stream, '*', 'events', JSON.stringify([abandoned(`s${i}`, 1_000 + i), abandoned(`t${i}`, 1_000 + i)]), 'annotations', '[]', 'next', ''))!,
      );
    }
    // A consumer reads half of them and dies before acknowledging.
    const read = (await client.xreadgroup('GROUP', PERSIST_GROUP, 'dead-node', 'COUNT', 10, 'STREAMS', stream, '>')) as [string, unknown[]][];
    expect(read[0]![1]).toHaveLength(10);

    const eventLog = new EventLog(db, { tenant });
    let offset = 0;
    const persister = new StreamPersister({ client: redis.connect(), key, eventLog, consumer: 'live-node', log, claimIdleMs: 20, maintenanceMs: 10, keepMs: 30_000, clock: () => Date.now() + offset });
    await persister.start();
    try {
      const expected = ids.flatMap((id) => [`${id}/0`, `${id}/1`]);
      await until(async () => (await storedIds(tenant)).length === expected.length && persister.claimed >= 10);
      expect((await storedIds(tenant)).sort()).toEqual(expected.sort());
      await until(async () => ((await client.xpending(stream, PERSIST_GROUP)) as [number])[0] === 0);

      // Redelivery of everything (as after a failover that lost the group's position): still once each.
      await client.xgroup('SETID', stream, PERSIST_GROUP, '0');
      const before = persister.persisted;
      await until(async () => persister.persisted >= before + 20);
      expect((await storedIds(tenant)).sort()).toEqual(expected.sort());

      // Kept while younger than keepMs; once everything is acknowledged and older, trimmed.
      expect(await client.xlen(stream)).toBe(20);
      offset += 60_000;
      await until(async () => (await client.xlen(stream)) === 0);
    } finally {
      await persister.close();
    }
  }, 60_000);

  it('reads an entry of one script call as its commands: each keeps its events, annotations and time; ids run across the entry', async () => {
    const tenant = freshTenant('calls');
    const stream = streamKey(`{atende:${tenant}}`);
    const note = (id: string) => ({ type: 'details', interactionId: id, payload: { contactId: `c-${id}` } });
    const id = (await client.xadd(
      stream,
      '*',
      ...['events', JSON.stringify([abandoned('p', 10), abandoned('q', 10)]), 'annotations', JSON.stringify([note('p')])],
      ...['events', JSON.stringify([abandoned('r', 20)])],
      ...['events', JSON.stringify([abandoned('s', 30)]), 'annotations', JSON.stringify([note('s'), note('s2')])],
      ...['next', '40'],
    ))!;
    const entry = decodeEntry(((await client.xrange(stream, '-', '+')) as [string, string[]][])[0]!);
    expect(entry.id).toBe(id);
    expect(entry.nextDeadline).toBe(40);
    expect(entry.commands.map((c) => [c.events.length, c.annotations.length])).toEqual([[2, 1], [1, 0], [1, 2]]);
    expect(entryEvents(entry).map((e) => (e as unknown as { interactionId: string }).interactionId)).toEqual(['p', 'q', 'r', 's']);
    const rows = entryRows(entry);
    expect(rows.map((r) => [r.eventId, r.at])).toEqual([
      [`${id}/0`, 10],
      [`${id}/1`, 10],
      [`${id}/a0`, 10],
      [`${id}/2`, 20],
      [`${id}/3`, 30],
      [`${id}/a1`, 30],
      [`${id}/a2`, 30],
    ]);
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(rows.length);
  });

  it('rebuilds history from Postgres below the stream’s first entry and the stream above it', async () => {
    const tenant = freshTenant('history');
    const key = `{atende:${tenant}}`;
    const stream = streamKey(key);
    await client.hset(`${key}:meta`, 'seq', '1'); // the tenant has state in Redis
    const entries: string[] = [];
    for (let i = 0; i < 6; i++) {
      entries.push((await client.xadd(stream, '*', 'events', JSON.stringify([abandoned(`h${i}`, 2_000 + i)]), 'annotations', '[]', 'next', ''))!);
    }
    // Entries 0–3 were persisted, then trimmed; 4–5 are still in the stream (not yet persisted).
    const raw = (await client.xrange(stream, '-', '+')) as [string, string[]][];
    await new EventLog(db, { tenant }).append(raw.slice(0, 4).flatMap((r) => entryRows(decodeEntry(r))).reverse());
    await client.xtrim(stream, 'MINID', entries[4]!);

    const recovered = await recoverFromStream(db, new EventLog(db, { tenant }), client, key, log);
    // Stream order, whatever order the rows were written in; the replica reads on from entry 4.
    expect(recovered.events.map((e) => (e as unknown as { interactionId: string }).interactionId)).toEqual(['h0', 'h1', 'h2', 'h3']);
    const after = (await client.xread('STREAMS', stream, recovered.afterEntryId)) as [string, [string, string[]][]][];
    expect(after[0]![1].map(([id]) => id)).toEqual([entries[4], entries[5]]);
  }, 30_000);

  it('refuses to start a Redis node on a log the embedded engine wrote, or on Redis without the state the log describes', async () => {
    const tenant = freshTenant('mixed');
    const key = `{atende:${tenant}}`;
    const eventLog = new EventLog(db, { tenant });
    await eventLog.append([{ eventId: `legacy-${tenant}`, type: 'interaction.abandoned', at: 1, interactionId: 'x', payload: abandoned('x', 1) }]);
    await expect(recoverFromStream(db, eventLog, client, key, log)).rejects.toThrow(/motor embutido/);

    const other = freshTenant('lost');
    const otherKey = `{atende:${other}}`;
    const id = '1700000000000-0';
    await new EventLog(db, { tenant: other }).append(entryRows({ id, commands: [{ events: [abandoned('y', 1)], annotations: [] }], nextDeadline: undefined }));
    await expect(recoverFromStream(db, new EventLog(db, { tenant: other }), client, otherKey, log)).rejects.toThrow(/Redis não tem o estado/);
  }, 30_000);
});
